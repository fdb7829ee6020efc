import { data, type AppLoadContext } from 'react-router';
import { logFilterErrorOf, parseLogFilters } from '~/components/log-filters';
import type { GroupRun } from '~/components/log-list';
import { api, loaded, redirectToLogin, settled } from './api.server';
import { runIdsOf } from './log-groups';
import { displayTimeZone, timeZoneFromCookies } from './time';
import type { LogLine, Page } from './types';

/**
 * The logs pages' list (organization-wide, or one integration's): the filters read in the person's time zone
 * (the profile's, else the browser's cookie, else UTC: as <Time> shows times), one page of lines, and the runs
 * those lines belong to (their groups' headers). A refusal about a filter (To before From: 400, `query.to`)
 * becomes that field's error, with no lines.
 */
export async function loadLogPage(
  request: Request,
  context: AppLoadContext,
  { orgId, integrationId, limit }: { orgId: string; integrationId?: string; limit: number },
) {
  const url = new URL(request.url);
  const me = await loaded(request, api(context).GET('/api/auth/me'));
  const timeZone = displayTimeZone(me.user.timezone, timeZoneFromCookies(request.headers.get('cookie')));
  const filters = parseLogFilters(url.searchParams, { timeZone, now: Date.now() });
  let page: Page<LogLine> = { items: [], nextCursor: null };
  let errors = filters.errors;
  if (!filters.hasErrors) {
    const res = await settled(
      api(context).GET('/api/orgs/{orgId}/logs', {
        params: {
          path: { orgId },
          query: {
            ...filters.query,
            integrationId: integrationId ?? filters.query.integrationId,
            limit,
            cursor: url.searchParams.get('cursor') ?? undefined,
          },
        },
      }),
    );
    if (res.ok) page = res.data;
    else {
      const placed = res.status === 400 ? logFilterErrorOf(res) : null;
      if (!placed) {
        if (res.status === 401) throw redirectToLogin(request);
        throw data({ message: res.message, requestId: res.requestId }, { status: res.status });
      }
      errors = { ...errors, ...placed };
    }
  }
  return { ...filters, errors, page, runs: await loadRuns(context, orgId, runIdsOf(page.items)) };
}

/** The runs of a page's lines, by id, in one request (a run deleted since is null: its group has no header facts). */
async function loadRuns(context: AppLoadContext, orgId: string, runIds: string[]): Promise<Record<string, GroupRun | null>> {
  const runs: Record<string, GroupRun | null> = Object.fromEntries(runIds.map((id) => [id, null]));
  if (runIds.length === 0) return runs;
  const res = await settled(
    api(context).GET('/api/orgs/{orgId}/runs', { params: { path: { orgId }, query: { ids: runIds, limit: runIds.length } } }),
  );
  if (!res.ok) return runs;
  for (const { id, status, trigger, startedAt, scheduledFor, stats } of res.data.items)
    runs[id] = { id, status, trigger, startedAt, scheduledFor, stats };
  return runs;
}

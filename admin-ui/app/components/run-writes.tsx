/**
 * A push run's writes on its run page: each record's action, outcome, provider id and error, in request order, a page
 * at a time; "Failed only" narrows the list to the records the provider refused.
 */
import { Link } from 'react-router';
import type { Page, ResponseBody } from '~/lib/types';
import { EmptyState, Pager, StatusBadge, Table, Td } from '~/components/ui';

export type RunWrite = ResponseBody<'/api/orgs/{orgId}/runs/{runId}/writes', 'get'>['items'][number];

const OP_LABELS: Record<RunWrite['op'], string> = { create: 'Create', update: 'Update', delete: 'Delete' };

/** The run page's address with the writes' filter or page changed, keeping everything else (run, log level). */
export function writesHref(here: string, search: URLSearchParams, change: { failedOnly?: boolean; cursor?: string | null }): string {
  const next = new URLSearchParams(search);
  next.delete('writesCursor');
  if (change.failedOnly !== undefined) {
    if (change.failedOnly) next.set('writes', 'failed');
    else next.delete('writes');
  }
  if (change.cursor) next.set('writesCursor', change.cursor);
  return `${here}?${next}`;
}

export function RunWrites({
  page,
  failedOnly,
  search,
  here,
  live,
}: {
  page: Page<RunWrite>;
  failedOnly: boolean;
  search: URLSearchParams;
  here: string;
  live: boolean;
}) {
  const tab = (active: boolean) =>
    `rounded-md px-3 py-1 text-sm font-medium ${active ? 'bg-white text-slate-900 shadow-sm' : 'text-slate-600 hover:text-slate-900'}`;
  return (
    <section aria-labelledby="writes-heading" className="space-y-3" data-run-writes>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h3 id="writes-heading" className="text-base font-semibold text-slate-900">
            Writes to the provider
          </h3>
          <p className="text-sm text-slate-500">Each record of the push, in the order it was sent.</p>
        </div>
        <nav aria-label="Writes filter" className="flex gap-1 rounded-lg bg-slate-100 p-1">
          <Link
            to={writesHref(here, search, { failedOnly: false })}
            aria-current={!failedOnly ? 'page' : undefined}
            className={tab(!failedOnly)}
          >
            All
          </Link>
          <Link
            to={writesHref(here, search, { failedOnly: true })}
            aria-current={failedOnly ? 'page' : undefined}
            className={tab(failedOnly)}
          >
            Failed only
          </Link>
        </nav>
      </div>
      {page.items.length === 0 ? (
        <EmptyState
          title={failedOnly ? 'No failed writes' : live ? 'Writing…' : 'No writes finished'}
          description={failedOnly ? 'The provider accepted every record of this run, or it is still writing.' : undefined}
        />
      ) : (
        <Table head={['Action', 'Status', 'Provider id', 'Error']}>
          {page.items.map((w, i) => (
            <tr key={`${w.externalId ?? 'new'}-${i}`} data-write={w.status}>
              <Td>{OP_LABELS[w.op]}</Td>
              <Td>
                <StatusBadge status={w.status} />
              </Td>
              <Td>
                {w.externalId ? (
                  <span className="block max-w-56 truncate font-mono text-slate-900" title={w.externalId}>
                    {w.externalId}
                  </span>
                ) : (
                  <span className="text-slate-500">none (not created)</span>
                )}
              </Td>
              <Td className="w-full whitespace-normal">{w.error ?? <span className="text-slate-500">—</span>}</Td>
            </tr>
          ))}
        </Table>
      )}
      <Pager
        nextCursor={page.nextCursor}
        resetHref={search.get('writesCursor') ? writesHref(here, search, {}) : null}
        makeHref={(cursor) => writesHref(here, search, { cursor })}
      />
    </section>
  );
}

import t from 'tap';
import { waitUntil } from '../helpers/wait-until.js';
import { startE2e, textOf, visit } from './harness.js';

// Cancelling and retrying runs from an integration's history, as an Admin.
const e2e = await startE2e(t);
const { base, ctx } = e2e;
const db = ctx.database.db.kysely;
const acme = ctx.orgs.acme;

const { integrationId, syncId } = await e2e.stripeSync('Stripe runs');
const history = `${base}/orgs/${acme}/integrations/${integrationId}/history`;

/** A run of the sync as the scheduler would have left it (queued and not yet picked up, or failed). */
async function insertRun(status: 'queued' | 'failed', errorKind: 'auth' | 'network' | null = null) {
  const id = crypto.randomUUID();
  await db
    .insertInto('sync_runs')
    .values({
      id,
      organization_id: acme,
      integration_id: integrationId,
      sync_id: syncId,
      trigger: 'schedule',
      status,
      scheduled_for: new Date(),
      started_at: status === 'failed' ? new Date(Date.now() - 5_000) : null,
      finished_at: status === 'failed' ? new Date() : null,
      error:
        status === 'failed'
          ? errorKind === 'auth'
            ? 'Stripe refused the stored credentials (401)'
            : 'Could not reach api.stripe.com (connection reset)'
          : null,
      error_kind: errorKind,
    } as never)
    .execute();
  return id;
}
const statusOf = async (id: string) =>
  (await db.selectFrom('sync_runs').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

t.test('an admin cancels a queued run from the history', async (t) => {
  const runId = await insertRun('queued');
  const page = await e2e.signedIn('admin@acme.test');
  await visit(page, history);
  await page.locator(`tr[data-run-id="${runId}"] ::-p-aria(Cancel this run)`).click();
  await page.waitForSelector('[data-toast=success]');
  t.match(await textOf(page, '[data-toast=success]'), /Run cancelled/);
  t.equal(await statusOf(runId), 'cancelled', 'the run is cancelled in the database');
  await page.waitForFunction(
    (id) => document.querySelector(`tr[data-run-id="${id}"] [data-status]`)?.textContent === 'cancelled',
    {},
    runId,
  );
  t.notOk(await page.$(`tr[data-run-id="${runId}"] ::-p-aria(Cancel this run)`), 'no Cancel on a finished run');
  t.ok(await page.$(`tr[data-run-id="${runId}"] ::-p-aria(Retry this run)`), 'it may be retried instead');
});

t.test('an admin retries a failed run; the new run shows as a retry and completes', async (t) => {
  const failed = await insertRun('failed');
  const page = await e2e.signedIn('admin@acme.test');
  await visit(page, history);
  t.match(await textOf(page, `tr[data-run-id="${failed}"]`), /failed/);
  await page.locator(`tr[data-run-id="${failed}"] ::-p-aria(Retry this run)`).click();
  await page.waitForSelector('[data-toast=success]');
  t.match(await textOf(page, '[data-toast=success]'), /Retry queued/);
  let retry: { id: string; status: string } | undefined;
  await waitUntil(async () => {
    retry = await db
      .selectFrom('sync_runs')
      .select(['id', 'status'])
      .where('sync_id', '=', syncId)
      .where('trigger', '=', 'retry')
      .executeTakeFirst();
    return retry?.status === 'succeeded' || retry?.status === 'failed';
  }, 'the retried run to finish');
  t.equal(retry?.status, 'succeeded', 'the retry ran against the provider and succeeded');
  await visit(page, history);
  t.match(await textOf(page, `tr[data-run-id="${retry!.id}"]`), /succeeded.*retry/i, 'the history lists it as a retry');

  const viewer = await e2e.signedIn('viewer@acme.test');
  await visit(viewer, history);
  t.notOk(await viewer.$('::-p-aria(Retry this run)'), 'a Viewer gets no Retry button');
});

t.test('the resource picker offers no resource that already has a sync', async (t) => {
  const page = await e2e.signedIn('admin@acme.test');
  await visit(page, `${base}/orgs/${acme}/integrations/${integrationId}/syncs`);
  const options = await page.$$eval('#new-resource option', (els) =>
    els.map((o) => ({ value: (o as HTMLOptionElement).value, disabled: (o as HTMLOptionElement).disabled, text: o.textContent })),
  );
  const customers = options.find((o) => o.value === 'customers');
  t.match(customers, { disabled: true, text: /has a sync/ }, 'customers, which has a sync, cannot be picked');
  const picked = await page.$eval('#new-resource', (el) => (el as HTMLSelectElement).value);
  t.not(picked, 'customers', 'nor is it preselected');
  t.ok(
    options.some((o) => o.value === picked && !o.disabled),
    'a free resource is',
  );
});

t.test('the remedy follows the kind of error: Retry for an unreachable provider, Reconnect only for refused credentials', async (t) => {
  const network = await insertRun('failed', 'network');
  const page = await e2e.signedIn('admin@acme.test');
  await visit(page, history);
  t.match(await textOf(page, `[data-run-error="${network}"]`), /Provider unreachable/);
  t.ok(await page.$(`tr[data-run-id="${network}"] ::-p-aria(Retry this run)`), 'a DNS or connection failure offers Retry');
  t.notOk(await page.$(`tr[data-run-id="${network}"] ::-p-text(Reconnect)`), 'and not Reconnect');
  await db
    .updateTable('sync_runs')
    .set({ status: 'cancelled' } as never)
    .where('id', '=', network)
    .execute();

  const auth = await insertRun('failed', 'auth');
  await visit(page, history);
  t.match(await textOf(page, `[data-run-error="${auth}"]`), /Sign-in refused/);
  t.ok(await page.$(`tr[data-run-id="${auth}"] ::-p-text(Reconnect)`), 'refused credentials offer Reconnect');
  t.notOk(await page.$(`tr[data-run-id="${auth}"] ::-p-aria(Retry this run)`), 'and not Retry');

  const overview = `${base}/orgs/${acme}/integrations/${integrationId}`;
  const setLastError = (kind: 'auth' | 'network') =>
    db
      .updateTable('integrations')
      .set({
        last_error: kind === 'auth' ? 'Stripe refused the stored credentials (401)' : 'Could not reach Stripe (ENOTFOUND)',
        last_error_kind: kind,
      } as never)
      .where('id', '=', integrationId)
      .execute();
  await setLastError('network');
  await visit(page, overview);
  t.match(await textOf(page, '[data-testid=last-error]'), /Provider unreachable/);
  t.ok(await page.$('[data-testid=last-error] ::-p-text(Retry)'), 'the overview offers Retry for a network failure');
  t.notOk(await page.$('[data-testid=last-error] ::-p-text(Replace credentials)'), 'not new credentials');
  await setLastError('auth');
  await visit(page, overview);
  t.ok(await page.$('[data-testid=last-error] ::-p-text(Replace credentials)'), 'refused credentials: replace them');
  t.notOk(await page.$('[data-testid=last-error] ::-p-text(Retry)'), 'and no Retry');
});

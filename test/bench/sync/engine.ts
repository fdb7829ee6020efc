/**
 * The sync benchmark's engine process (started by ./index.ts with IPC): the real application from buildApp
 * (services, run executor, source opener, safe HTTP client, token manager, vault) on its own Node thread,
 * driven through its API with `inject`, exactly as the sync engine tests drive it.
 *
 * IPC:
 *   { type: 'setup', apiBaseUrl, token, password } → imports the Salesforce connection (OAuth token, settings
 *     pointing at the fake) and a second one for the raw reference, creates the full sync with the ten mappings
 *     through the API; answers { type: 'setup', orgId, integrationId, referenceIntegrationId, syncId }.
 *   { type: 'run', profileFile? } → POST …/syncs/:id/runs, waits for the executor to finish, GET …/runs/:id;
 *     answers with the wall time, the run as the API shows it, CPU, event-loop use, GC and peak RSS.
 *   { type: 'stop' } → closes the app and the database and exits.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { openDb } from '../../../db/client.js';
import { buildApp } from '../../../server/src/app.js';
import { loadConfig } from '../../../server/src/config.js';
import { importLegacyIntegrations, parseLegacyFile } from '../../../server/src/modules/integrations/legacy-import.js';
import { instrumentPg, Timings } from '../api/instrument.js';
import { WindowProfiler } from '../lib/profiler.js';
import { MAPPINGS, PROVIDER, RESOURCE } from './workload.js';

const send = (msg: unknown) => new Promise<void>((resolve) => process.send!(msg, () => resolve()));

export interface SetupReply {
  type: 'setup';
  orgId: string;
  integrationId: string;
  referenceIntegrationId: string;
  syncId: string;
}

export interface RunView {
  id: string;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  stats: { fetched: number; created: number; updated: number; unchanged: number; deleted: number; failed: number };
  error: string | null;
}

export interface RunReply {
  type: 'run';
  /** From the POST that starts the run to the executor reporting it finished. */
  wallMs: number;
  run: RunView;
  cpuMs: number;
  eventLoopUtilization: number;
  gcMs: number;
  gcCount: number;
  rssBeforeMiB: number;
  /** Highest RSS sampled every 20 ms during the run. */
  peakRssSampledMiB: number;
  /** VmHWM after resetting it just before the run (Linux), or null when the reset is not allowed. */
  peakRssKernelMiB: number | null;
  timings: Record<string, { count: number; totalMs: number; maxMs: number }> | null;
  profile: string | null;
}

const MiB = 1024 * 1024;

function vmHwmMiB(): number | null {
  try {
    const line = readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmHWM:'));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Resets the kernel's peak RSS (VmHWM) of this process; false where not supported. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

async function main() {
  const timings = process.env.BENCH_TIMINGS === '1' ? new Timings() : null;
  if (timings) instrumentPg(timings);

  const config = loadConfig(process.env);
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const app = await buildApp({ config, db });
  await app.ready();

  let bearer = '';
  const api = async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await app.inject({ method, url, headers: { authorization: bearer }, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body.slice(0, 500)}`);
    return res.json();
  };

  async function setup(msg: { apiBaseUrl: string; token: string; password: string }): Promise<SetupReply> {
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'admin@acme.test', password: msg.password },
    });
    if (login.statusCode !== 200) throw new Error(`login as admin@acme.test failed: ${login.statusCode} ${login.body}`);
    bearer = `Bearer ${login.json().accessToken}`;

    // An OAuth connection (here: Salesforce's) comes from the browser flow or from the legacy import; the import
    // is the one without a browser. The token is the fake's; `apiBaseUrl` overrides the instance URL (an https
    // instance URL is still required, as Salesforce would report it), pointing the definition at the fake.
    const connection = (name: string, account: string) => ({
      organization: 'acme',
      provider: PROVIDER,
      name,
      externalAccount: account,
      accessToken: msg.token,
      settings: { apiBaseUrl: msg.apiBaseUrl },
      connectionValues: { instanceUrl: 'https://bench.my.salesforce.com' },
    });
    const file = parseLegacyFile(
      JSON.stringify([
        connection('Salesforce (sync benchmark)', 'bench@acme.test'),
        connection('Salesforce (raw reference)', 'reference@acme.test'),
      ]),
    );
    const summary = await importLegacyIntegrations(db, app.services.vault, file, { allowHttp: true, source: 'sync-benchmark' });
    const ids = summary.outcomes.map((o) => (o.outcome === 'created' && o.status === 'ACTIVE' ? o.integrationId : null));
    if (ids.some((id) => id === null)) throw new Error(`importing the benchmark connections failed: ${JSON.stringify(summary.outcomes)}`);
    const [integrationId, referenceIntegrationId] = ids as string[];

    const orgId = (await db.kysely.selectFrom('organizations').select('id').where('slug', '=', 'acme').executeTakeFirstOrThrow()).id;
    const sync = await api('POST', `/api/orgs/${orgId}/integrations/${integrationId}/syncs`, {
      resource: RESOURCE,
      mode: 'full',
      mappings: MAPPINGS,
    });
    return { type: 'setup', orgId, integrationId, referenceIntegrationId, syncId: sync.id };
  }

  const profiler = new WindowProfiler();
  async function run(orgId: string, syncId: string, profileFile: string | undefined): Promise<RunReply> {
    timings?.take();
    if (profileFile) await profiler.start();
    const kernelPeak = resetPeakRss();
    const rssBefore = process.memoryUsage.rss();
    let peak = rssBefore;
    const sampler = setInterval(() => {
      const rss = process.memoryUsage.rss();
      if (rss > peak) peak = rss;
    }, 20);
    let gcMs = 0;
    let gcCount = 0;
    const gc = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        gcMs += e.duration;
        gcCount++;
      }
    });
    gc.observe({ entryTypes: ['gc'] });
    const elu0 = performance.eventLoopUtilization();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();

    const started = await api('POST', `/api/orgs/${orgId}/syncs/${syncId}/runs`);
    await app.services.executor!.drain();

    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());
    gc.disconnect();
    const profile = profileFile ? await profiler.stop(profileFile) : null;
    const view = (await api('GET', `/api/orgs/${orgId}/runs/${started.runId}`)) as RunView;
    return {
      type: 'run',
      wallMs,
      run: view,
      cpuMs: (cpu.user + cpu.system) / 1000,
      eventLoopUtilization: elu.utilization,
      gcMs,
      gcCount,
      rssBeforeMiB: rssBefore / MiB,
      peakRssSampledMiB: peak / MiB,
      peakRssKernelMiB: kernelPeak ? vmHwmMiB() : null,
      timings: timings?.take() ?? null,
      profile,
    };
  }

  process.on('message', async (msg: { type: string; [k: string]: unknown }) => {
    try {
      if (msg.type === 'setup') {
        await send(await setup(msg as never));
      } else if (msg.type === 'run') {
        await send(await run(msg.orgId as string, msg.syncId as string, msg.profileFile as string | undefined));
      } else if (msg.type === 'stop') {
        await app.close();
        await db.close();
        await send({ type: 'stopped' });
        process.exit(0);
      }
    } catch (err) {
      await send({ type: 'error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  });
  await send({ type: 'ready', pid: process.pid });
}

main().catch(async (err) => {
  await send({ type: 'error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});

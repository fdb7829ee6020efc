import type { FastifyBaseLogger } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { Db } from '../../../../db/client.js';
import type { Config } from '../../config.js';
import { systemContext } from '../../lib/context.js';
import type { Vault } from '../../lib/crypto/index.js';
import { inScope, type Tx } from '../../lib/db-scope.js';
import { uuidv7 } from '../../lib/ids.js';
import { webhookDeliveryAttempts } from '../../lib/metrics.js';
import type { SafeHttpClient } from '../../lib/safe-http/index.js';
import { recordAudit } from '../audit/audit.service.js';
import { sendDelivery, type SendResult } from './delivery-send.js';
import { secretContext } from './webhook-secrets.js';
import * as repo from './webhooks.repo.js';

export interface DeliveryWorkerDeps {
  db: Db;
  vault: Vault;
  /** The safe HTTP client for webhook receivers: address policy, no redirects followed, capped answers. */
  http: SafeHttpClient;
  logger: FastifyBaseLogger;
  settings: Config['webhooks'];
}

/** A claimed delivery, ready to send: the secrets are open (current first, then the previous one while it lasts). */
export interface ReadyDelivery extends repo.ClaimedDeliveryRow {
  secrets: string[];
}

/**
 * How long a claim keeps other workers off a delivery: the attempt's timeout twice over (the client's deadline
 * covers connect and answer), and room to record its outcome. A worker killed mid-attempt delays the delivery by this.
 */
const leaseMs = (timeoutMs: number) => 2 * timeoutMs + 5_000;

/**
 * The delivery worker (worker and `all` roles): claims due deliveries with FOR UPDATE SKIP LOCKED, sends each as
 * its own attempt (up to `concurrency` at once, `endpointConcurrency` to one endpoint, so a receiver that hangs
 * holds only its own slots), and records the attempts in batches (one transaction for many). A retry waits the
 * configured delay plus up to 20 % jitter; an endpoint failing for `disableAfterMs` is disabled and audited.
 * It claims when a committed delivery is announced (LISTEN/NOTIFY, `db.listen`), when a batch of slots frees up
 * under a backlog, and at every poll (retries falling due; whatever was missed while not listening).
 */
export function createDeliveryWorker({ db, vault, http, logger, settings }: DeliveryWorkerDeps) {
  const log = logger.child({ component: 'webhook-delivery' });
  const secretCache = new LRUCache<string, string>({ max: 10_000 });
  const inFlight = new Set<Promise<void>>();
  const perEndpoint = new Map<string, number>();
  const recorder = createAttemptRecorder({ db, log, settings });
  let running = false;
  let loopDone: Promise<void> = Promise.resolve();
  // Under a backlog, a claim waits for this many free slots (a quarter of them) rather than claiming one at a time:
  // each claim is a transaction, so claiming per finished attempt cost about one transaction per delivery.
  const claimBatch = Math.max(1, Math.ceil(settings.concurrency / 4));
  /** The last claim filled every free slot (or skipped busy endpoints), or a new delivery was announced: more is due. */
  let moreDue = false;
  /** How many wake-ups LISTEN/NOTIFY brought: one arriving during a claim keeps `moreDue` set after it. */
  let announced = 0;
  const { pause, wakeUp } = createPause(() => running);
  let unlisten: Promise<() => Promise<void>> | null = null;

  /**
   * A delivery was committed (the NOTIFY): claim now rather than at the next poll. Under a backlog it only marks
   * more as due, so the next batch of free slots claims.
   */
  function notify(): void {
    announced++;
    moreDue = true;
    if (running && (inFlight.size === 0 || settings.concurrency - inFlight.size >= claimBatch)) wakeUp();
  }

  async function open(tx: Tx, row: repo.ClaimedDeliveryRow, column: 'secret_encrypted' | 'previous_secret_encrypted', sealed: string) {
    const cached = secretCache.get(sealed);
    if (cached) return cached;
    const secret = await vault.decrypt(tx, secretContext(row.organization_id, row.endpoint_id, column), sealed);
    secretCache.set(sealed, secret);
    return secret;
  }

  async function claim(limit: number): Promise<ReadyDelivery[]> {
    const busy = [...perEndpoint].filter(([, n]) => n >= settings.endpointConcurrency).map(([id]) => id);
    return inScope(db, { platform: true }, async (tx) => {
      const rows = await repo.claimDue(tx, limit, leaseMs(settings.timeoutMs), busy);
      const ready: ReadyDelivery[] = [];
      const now = Date.now();
      for (const row of rows) {
        const secrets = [await open(tx, row, 'secret_encrypted', row.secret_encrypted)];
        if (row.previous_secret_encrypted && row.previous_secret_expires_at && row.previous_secret_expires_at.getTime() > now)
          secrets.push(await open(tx, row, 'previous_secret_encrypted', row.previous_secret_encrypted));
        ready.push({ ...row, secrets });
      }
      return ready;
    });
  }

  function start(delivery: ReadyDelivery): void {
    perEndpoint.set(delivery.endpoint_id, (perEndpoint.get(delivery.endpoint_id) ?? 0) + 1);
    const task = sendDelivery(http, delivery, settings.timeoutMs)
      .then((result) => {
        const outcome = outcomeOf(delivery, result, settings.retryDelaysMs);
        webhookDeliveryAttempts.inc({ outcome: outcome.status === 'pending' ? 'retrying' : outcome.status });
        recorder.add(outcome);
      })
      .catch((err: unknown) => log.error({ err, deliveryId: delivery.id }, 'webhook delivery failed unexpectedly'))
      .finally(() => {
        const n = (perEndpoint.get(delivery.endpoint_id) ?? 1) - 1;
        if (n > 0) perEndpoint.set(delivery.endpoint_id, n);
        else perEndpoint.delete(delivery.endpoint_id);
        inFlight.delete(task);
        if (moreDue && (settings.concurrency - inFlight.size >= claimBatch || inFlight.size === 0)) wakeUp();
      });
    inFlight.add(task);
  }

  async function loop(): Promise<void> {
    while (running) {
      const free = settings.concurrency - inFlight.size;
      if (free > 0) {
        try {
          const skipped = [...perEndpoint.values()].some((n) => n >= settings.endpointConcurrency);
          const seen = announced;
          const ready = await claim(free);
          moreDue = ready.length === free || skipped || announced !== seen;
          for (const delivery of ready) start(delivery);
        } catch (err) {
          moreDue = false;
          log.error({ err }, 'claiming webhook deliveries failed; trying again shortly');
        }
      }
      if (!running) break;
      // More due: attempts ending wake the pause once a batch of slots is free. Nothing else due now: the next
      // poll looks again, unless a committed delivery is announced first (`notify`, LISTEN/NOTIFY) — or a retry's
      // time comes, which only the poll finds.
      await pause(settings.pollMs);
    }
  }

  return {
    /** Starts claiming and sending. */
    start(): void {
      if (running) return;
      running = true;
      unlisten = db.listen(repo.DELIVERIES_CHANNEL, notify, (err) =>
        log.warn({ err }, 'listening for committed webhook deliveries failed; polling until it is back'),
      );
      loopDone = loop();
    },
    notify,
    /** Stops claiming, lets the attempts in flight finish (each within its timeout), and records them. */
    async stop(): Promise<void> {
      running = false;
      wakeUp();
      const stopListening = unlisten;
      unlisten = null;
      if (stopListening) await (await stopListening)();
      await loopDone;
      await Promise.allSettled([...inFlight]);
      await recorder.drain();
    },
    /** Waits until every attempt sent so far is recorded (tests and benchmarks). */
    flushed: () => recorder.drain(),
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;

/** The loop's wait: `pause(ms)` ends after `ms` or at `wakeUp()`; a wake-up while no pause runs ends the next one at once. */
function createPause(running: () => boolean) {
  let woken = false;
  let endPause: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || !running()) {
        woken = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        endPause = null;
        woken = false;
        resolve();
      }
      endPause = done;
    });
  const wakeUp = () => {
    woken = true;
    endPause?.();
  };
  return { pause, wakeUp };
}

/** What the attempt means for the delivery: done, retried after the next delay (with jitter), or given up. */
export function outcomeOf(delivery: ReadyDelivery, result: SendResult, retryDelaysMs: number[]): repo.AttemptOutcome {
  const attemptNumber = delivery.attempts + 1;
  const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
  const delay = retryDelaysMs[attemptNumber - 1];
  const retry = !ok && delay !== undefined;
  return {
    attemptId: uuidv7(result.attemptedAt.getTime()),
    deliveryId: delivery.id,
    organizationId: delivery.organization_id,
    endpointId: delivery.endpoint_id,
    attemptedAt: result.attemptedAt,
    statusCode: result.statusCode,
    durationMs: result.durationMs,
    responseExcerpt: result.responseExcerpt,
    error: result.error,
    status: ok ? 'succeeded' : retry ? 'pending' : 'failed',
    nextAttemptAt: retry ? new Date(Date.now() + Math.round(delay * (1 + Math.random() * 0.2))) : null,
  };
}

/**
 * Records attempt outcomes in batches: one transaction writes every outcome that arrived while the previous one
 * committed (group commit), then the endpoints' failing streaks, disabling (and auditing) the ones past the window.
 */
function createAttemptRecorder({ db, log, settings }: { db: Db; log: FastifyBaseLogger; settings: Config['webhooks'] }) {
  let queue: repo.AttemptOutcome[] = [];
  let writing: Promise<void> | null = null;

  async function write(batch: repo.AttemptOutcome[]): Promise<void> {
    const succeeded = new Set(batch.filter((o) => o.status === 'succeeded').map((o) => o.endpointId));
    const failing = [...new Set(batch.filter((o) => o.status !== 'succeeded' && !succeeded.has(o.endpointId)).map((o) => o.endpointId))];
    await inScope(db, { platform: true }, async (tx) => {
      await repo.recordAttempts(tx, batch);
      await repo.markEndpointsHealthy(tx, [...succeeded]);
      const now = new Date();
      const days = Math.round((settings.disableAfterMs / 86_400_000) * 10) / 10;
      const window = days >= 1 ? `${days} days` : `${Math.round(settings.disableAfterMs / 1000)} seconds`;
      const reason = `Disabled by Linkyard after every delivery attempt failed for ${window}; fix the receiver, then enable the endpoint again`;
      const disabled = await repo.markEndpointsFailing(tx, failing, now, new Date(now.getTime() - settings.disableAfterMs), reason);
      for (const endpoint of disabled) {
        const lastError = batch.filter((o) => o.endpointId === endpoint.id).at(-1);
        await recordAudit(tx, systemContext('webhook-delivery-worker'), {
          organizationId: endpoint.organization_id,
          action: 'webhook_endpoint.disabled',
          target: { type: 'webhook_endpoint', id: endpoint.id },
          metadata: {
            reason,
            failingSince: endpoint.failing_since?.toISOString() ?? null,
            lastStatusCode: lastError?.statusCode ?? null,
            lastError: lastError?.error ?? null,
          },
        });
        log.warn({ endpointId: endpoint.id, organizationId: endpoint.organization_id }, 'webhook endpoint disabled after failing');
      }
    });
  }

  async function writeAll(): Promise<void> {
    while (queue.length) {
      const batch = queue;
      queue = [];
      try {
        await write(batch);
      } catch (err) {
        // Not recorded: the claims' leases end and the deliveries are sent again (at least once).
        log.error({ err, attempts: batch.length }, 'recording webhook attempts failed');
      }
    }
    writing = null;
  }

  return {
    add(outcome: repo.AttemptOutcome): void {
      queue.push(outcome);
      writing ??= Promise.resolve().then(writeAll);
    },
    async drain(): Promise<void> {
      while (writing) await writing;
    },
  };
}

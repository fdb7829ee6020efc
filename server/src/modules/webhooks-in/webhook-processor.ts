import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../../db/client.js';
import { inScope, type Tx } from '../../lib/db-scope.js';
import { findIntegrationForWebhook } from '../integrations/integrations.port.js';
import { queueOrJoinWebhookRun } from '../runs/runs.port.js';
import type { RunDispatcher } from '../runs/runs.service.js';
import { recordEvent } from '../webhooks/webhooks.port.js';
import * as repo from './webhooks-in.repo.js';

/** How long an event waits before another attempt while a run of an affected sync is running. */
const RETRY_WHILE_RUNNING_MS = 1000;

export interface WebhookProcessorDeps {
  db: Db;
  logger: FastifyBaseLogger;
  /** Starts the runs an event queued, once committed: this process's run pool, or the workers. */
  dispatcher: RunDispatcher;
  /** How often a started processor looks for accepted events (the worker poll). */
  pollMs: number;
}

interface Outcome {
  orgId: string;
  dispatch: string[];
}

/**
 * Acts on accepted webhook events, from the durable queue in webhook_events (worker and `all` roles). Each event is
 * claimed, acted on and marked processed in one transaction: runs queued or joined and the mark commit together,
 * so a worker killed at any point leaves the event unprocessed and unlocked, and the next worker acts on it once.
 * - paused integration: `ignored`;
 * - otherwise each affected sync (the event's resources; null: every enabled sync) gets an incremental run with
 *   trigger "webhook", or the event joins the run already queued for it (a burst of events queues one run);
 * - a running run of an affected sync: the event waits (process_after) and is tried again after it;
 * - once acted on (not while it waits, not when ignored), a `webhook.received` event goes to the organization's
 *   endpoints through the outbox, in this same transaction: forwarded once, exactly when the mark commits.
 */
async function processOne(tx: Tx): Promise<Outcome | null> {
  const event = await repo.claimNextEvent(tx);
  if (!event) return null;
  const orgId = event.organization_id;
  const integration = await findIntegrationForWebhook(tx, event.integration_id);
  if (integration?.status === 'PAUSED') {
    await repo.markProcessed(tx, event.id, {
      status: 'ignored',
      reason: 'The integration was paused when the event was processed',
      runId: null,
    });
    return { orgId, dispatch: [] };
  }
  const syncs = await repo.affectedSyncs(tx, orgId, event.integration_id, event.resources);
  const dispatch: string[] = [];
  let runId: string | null = null;
  let waiting = false;
  for (const sync of syncs) {
    const run = await queueOrJoinWebhookRun(tx, orgId, sync);
    if (!run) {
      waiting = true;
      continue;
    }
    runId ??= run.runId;
    if (run.queued) dispatch.push(run.runId);
  }
  if (waiting) {
    await repo.deferEvent(tx, event.id, RETRY_WHILE_RUNNING_MS, runId);
    return { orgId, dispatch };
  }
  await repo.markProcessed(tx, event.id, { status: 'accepted', runId });
  await recordEvent(tx, orgId, 'webhook.received', {
    integrationId: event.integration_id,
    provider: integration?.provider ?? 'unknown',
    providerEventId: event.provider_event_id,
    type: event.type,
    payload: event.payload ?? null,
  });
  return { orgId, dispatch };
}

export function createWebhookProcessor({ db, logger, dispatcher, pollMs }: WebhookProcessorDeps) {
  const log = logger.child({ module: 'webhooks-in' });
  let timer: NodeJS.Timeout | undefined;
  let draining: Promise<number> | null = null;
  let again = false;
  let started = false;

  /** Processes events until none is left to claim; returns how many it processed. */
  async function drainOnce(): Promise<number> {
    let processed = 0;
    for (;;) {
      const outcome = await inScope(db, { platform: true }, processOne);
      if (!outcome) return processed;
      processed++;
      for (const runId of outcome.dispatch) dispatcher.dispatch(outcome.orgId, runId);
    }
  }

  /** One drain at a time; a wake during a drain drains again after it. */
  function processPending(): Promise<number> {
    if (draining) {
      again = true;
      return draining;
    }
    draining = (async () => {
      let total = 0;
      do {
        again = false;
        total += await drainOnce();
      } while (again);
      return total;
    })().finally(() => {
      draining = null;
    });
    return draining;
  }

  function tick() {
    processPending().catch((err) => log.error({ err }, 'webhook events could not be processed; the next poll tries again'));
  }

  /**
   * Woken by the NOTIFY of the transaction that accepted an event (any API process), so an event is acted on within
   * milliseconds rather than at the next poll; the poll stays, for a notification lost with a connection.
   */
  let unlisten: (() => Promise<void>) | null = null;
  let listening: Promise<void> | null = null;
  function listen() {
    listening = db
      .listen(repo.ACCEPTED_CHANNEL, tick, (err) => log.warn({ err }, 'webhook events: LISTEN connection lost; polling until it is back'))
      .then(
        (stop) => {
          unlisten = stop;
        },
        (err) => log.warn({ err }, 'webhook events: LISTEN unavailable; polling only'),
      );
  }

  return {
    /** Acts on every accepted event waiting now (tests call it; started processors also poll). */
    processPending,
    /** Resolves once a started processor LISTENs (or gave up on it and only polls). */
    async listening(): Promise<void> {
      await listening;
    },
    /** A delivery was stored in this process: act on it now rather than at the next poll (started processors only). */
    wake(): void {
      if (started) setImmediate(tick);
    },
    start(): void {
      if (started) return;
      started = true;
      timer = setInterval(tick, pollMs);
      timer.unref();
      listen();
      tick();
    },
    async close(): Promise<void> {
      started = false;
      clearInterval(timer);
      await listening;
      await unlisten?.();
      unlisten = null;
      await draining?.catch(() => undefined);
    },
  };
}

export type WebhookProcessor = ReturnType<typeof createWebhookProcessor>;

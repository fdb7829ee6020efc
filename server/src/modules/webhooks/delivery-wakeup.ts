import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import { DELIVERIES_CHANNEL } from './webhooks.repo.js';

export interface DeliveryWakeup {
  close(): Promise<void>;
}

const RECONNECT_MS = 1_000;

/**
 * Wakes the delivery worker when a transaction that added deliveries commits (LISTEN on the deliveries channel, on
 * a connection of its own, since a pooled one cannot stay listening). The poll stays as it is: it finds retries
 * whose time has come, and whatever was committed while this connection was down. A lost connection is opened
 * again after a second; on every (re)connect the worker is woken once, for anything missed meanwhile.
 */
export function listenForDeliveries(databaseUrl: string, onWake: () => void, logger: FastifyBaseLogger): DeliveryWakeup {
  let closed = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;

  const again = () => {
    client = null;
    if (!closed) retry = setTimeout(connect, RECONNECT_MS);
  };

  async function connect(): Promise<void> {
    retry = null;
    const c = new pg.Client({ connectionString: databaseUrl, application_name: 'linkyard-webhook-wakeup' });
    client = c;
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      if (!closed) logger.warn({ err: err.message }, 'webhook wake-up connection lost; polling until it is back');
      c.end().catch(() => {});
      again();
    };
    c.on('error', fail);
    c.on('end', () => fail(new Error('connection ended')));
    c.on('notification', () => onWake());
    try {
      await c.connect();
      await c.query(`LISTEN ${DELIVERIES_CHANNEL}`);
      if (closed) await c.end();
      else onWake();
    } catch (err) {
      fail(err as Error);
    }
  }

  void connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}

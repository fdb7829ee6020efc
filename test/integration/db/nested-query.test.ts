import { sql } from 'kysely';
import { AsyncResource } from 'node:async_hooks';
import t from 'tap';
import { holdingConnection, NestedQueryError } from '../../../db/client.js';
import { inScope } from '../../../server/src/lib/db-scope.js';
import { createTestDatabase } from '../../helpers/database.js';
import { waitUntil } from '../../helpers/wait-until.js';

// Embedded PGlite has one connection. A query on another handle (`db.kysely`, a second `inScope`) awaited inside a
// transaction waits for the connection that transaction holds: on PGlite forever (the whole process then hangs),
// on Postgres it takes a second pooled connection. The PGlite driver refuses it at once instead (db/client.ts).
const database = await createTestDatabase();
t.teardown(() => database.close());
const { db } = database;
const embedded = db.kind === 'pglite';
const one = async () => (await sql<{ n: number }>`SELECT 1 AS n`.execute(db.kysely)).rows[0].n;

t.test('a query outside the open transaction, awaited inside it', async (t) => {
  const nested = inScope(db, { platform: true }, async (tx) => {
    await sql`SELECT 1`.execute(tx);
    return one();
  });
  if (embedded) await t.rejects(nested, NestedQueryError, 'PGlite: refused at once, not a hang');
  else t.equal(await nested, 1, 'Postgres: a second pooled connection answers');
  const twice = inScope(db, { platform: true }, () => inScope(db, { platform: true }, async () => 1));
  if (embedded) await t.rejects(twice, NestedQueryError, 'a second inScope inside the first, likewise');
  else t.equal(await twice, 1, 'Postgres: likewise for a second inScope inside the first');
  t.equal(await one(), 1, 'the connection is free again afterwards');
});

t.test('the error says what happened and what to do', { skip: !embedded && 'PGlite only' }, async (t) => {
  const err = await inScope(db, { platform: true }, () => one()).catch((e: unknown) => e);
  t.match(err, {
    name: 'NestedQueryError',
    message: /outside the open transaction.*one, held by that transaction.*Run it on the transaction/s,
  });
});

t.test('what is not nested is not refused', async (t) => {
  // Work set up inside the transaction (a timer, a callback) that runs after it: the connection is free by then.
  const later = await inScope(db, { platform: true }, async (tx) => {
    await sql`SELECT 1`.execute(tx);
    return AsyncResource.bind(() => one());
  });
  t.equal(await later(), 1, 'a callback bound inside the transaction, called after it');
  t.equal(await holdingConnection(async () => 2), 2, 'holdingConnection passes the result through');

  // A notification's listener is called from inside the notifying statement (on PGlite, its transaction's COMMIT).
  let heard: Promise<number> | undefined;
  const stop = await db.listen('nested_query_test', () => {
    heard ??= one();
  });
  t.teardown(stop);
  await inScope(db, { platform: true }, (tx) => sql`SELECT pg_notify('nested_query_test', '')`.execute(tx));
  await waitUntil(() => heard !== undefined, 'the notification');
  t.equal(await heard, 1, "the listener's query waits its turn");
});

t.test('LISTEN while a transaction is open is not part of it (its rollback does not undo it)', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  const rolledBack = inScope(db, { platform: true }, async (tx) => {
    await sql`SELECT 1`.execute(tx);
    opened();
    await gate;
    throw new Error('rolled back');
  });
  await open;
  let heard = 0;
  const listening = db.listen('nested_query_rollback', () => heard++);
  release();
  await t.rejects(rolledBack, /rolled back/);
  const stop = await listening;
  t.teardown(stop);
  await sql`SELECT pg_notify('nested_query_rollback', '')`.execute(db.kysely);
  await waitUntil(() => heard > 0, 'the notification after the rollback');
  t.pass('still listening');
});

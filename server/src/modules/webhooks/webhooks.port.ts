/**
 * The transactional outbox, for the modules whose changes are reported to webhook endpoints (the sync engine's
 * run results, OAuth's connections). They call `recordEvent` INSIDE the transaction of the change: the event and
 * its deliveries commit with the change or not at all, so an event is never sent for a change that rolled back,
 * and never lost for one that committed (the delivery worker sends it, after a crash too).
 */
import type { CompiledQuery } from 'kysely';
import type { Tx } from '../../lib/db-scope.js';
import { uuidv7 } from '../../lib/ids.js';
import * as repo from './webhooks.repo.js';
import type { WebhookEventType } from './webhooks.schemas.js';

export interface RunFinishedData {
  runId: string;
  syncId: string;
  integrationId: string;
  resource: string;
  trigger: string;
  stats: Record<string, number>;
  error: string | null;
}

export interface RecordsChangedData {
  runId: string;
  syncId: string;
  integrationId: string;
  resource: string;
  added: number;
  updated: number;
  deleted: number;
}

export interface IntegrationEventData {
  integrationId: string;
  provider: string;
  reason: string | null;
}

/** A provider webhook accepted and acted on (webhooks in): its parsed body as `payload` (null when not JSON or over 64 KiB). */
export interface WebhookReceivedData {
  integrationId: string;
  provider: string;
  providerEventId: string | null;
  type: string | null;
  payload: unknown;
}

/** A record changed on both sides under the `manual` strategy (two-way sync): the conflict to resolve. */
export interface ConflictCreatedData {
  conflictId: string;
  syncId: string;
  integrationId: string;
  resource: string;
  externalId: string;
  runId: string | null;
  fields: string[];
}

/** The data of each event type the modules emit. */
export interface WebhookEventData {
  'sync.succeeded': RunFinishedData;
  'sync.failed': RunFinishedData;
  'records.changed': RecordsChangedData;
  'integration.connected': IntegrationEventData;
  'integration.disconnected': IntegrationEventData;
  'integration.error': IntegrationEventData;
  'webhook.received': WebhookReceivedData;
  'conflict.created': ConflictCreatedData;
}

/**
 * Writes the event and a pending delivery to each enabled endpoint of the organization subscribed to its type,
 * in the caller's transaction (fan-out at write time: the endpoints that receive an event are the ones subscribed
 * when the change committed, and the worker only ever claims ready deliveries). Returns the event id.
 */
export async function recordEvent<T extends keyof WebhookEventData & WebhookEventType>(
  tx: Tx,
  orgId: string,
  type: T,
  data: WebhookEventData[T],
): Promise<string> {
  const event = outboxEvent(orgId, type, data);
  await repo.insertEventWithDeliveries(tx, event);
  return event.id;
}

/** recordEvent as a query, for a caller that sends it with the rest of its transaction (a run's end: sync-engine/run-store.ts). */
export function recordEventQuery<T extends keyof WebhookEventData & WebhookEventType>(
  q: Tx,
  orgId: string,
  type: T,
  data: WebhookEventData[T],
): CompiledQuery {
  return repo.insertEventWithDeliveriesQuery(q, outboxEvent(orgId, type, data));
}

function outboxEvent(orgId: string, type: WebhookEventType, data: unknown): repo.OutboxEvent {
  return { id: uuidv7(), organizationId: orgId, type, payload: JSON.stringify(data) };
}

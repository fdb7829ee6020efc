/**
 * The sync benchmark's workload, shared by its processes: which fake provider, how many records and
 * how many per page, the sync's ten field mappings, and the raw reference statement.
 */
import type { FieldMapping } from '../../../server/src/modules/syncs/mappings.js';

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
};

/** Records in the fake provider's dataset (BENCH_SYNC_RECORDS; the figure is 100,000). */
export const RECORDS = num('BENCH_SYNC_RECORDS', 100_000);
/** Records per provider page (and so per engine batch, and per raw statement). */
export const PAGE_SIZE = 1_000;

/**
 * Salesforce contacts: its definition has no page-size parameter (Salesforce's batch size is a header the
 * connector does not send), so the page size is the fake's `defaultPageSize`. The other fakes' definitions
 * cap or default the page size the connector asks for (Stripe 100, HubSpot 200, Google Calendar asks 250).
 */
export const PROVIDER = 'salesforce' as const;
export const RESOURCE = 'contacts';

/**
 * Ten mappings, a realistic mix over a Salesforce contact (`Id`, `FirstName`, `LastName`, `Email`, `Title`
 * (null here), `CreatedDate`/`SystemModstamp` as `2023-01-01T00:00:00.000+0000`, `attributes.type`):
 * required id, lowercase, trim into a nested target, plain copy, template, two dates, number from text,
 * value_map, and uppercase with a default for a null source.
 */
export const MAPPINGS: FieldMapping[] = [
  { source: 'Id', target: 'salesforceId', transform: 'string', required: true },
  { source: 'Email', target: 'email', transform: 'lowercase' },
  { source: 'FirstName', target: 'name.first', transform: 'trim' },
  { source: 'LastName', target: 'name.last' },
  { target: 'displayName', transform: 'template', args: { template: '{{FirstName}} {{LastName}}' } },
  { source: 'CreatedDate', target: 'createdAt', transform: 'date' },
  { source: 'SystemModstamp', target: 'modifiedAt', transform: 'date' },
  { source: 'LastName', target: 'contactNumber', transform: 'number' },
  {
    source: 'attributes.type',
    target: 'kind',
    transform: 'value_map',
    args: { map: { Contact: 'contact', Lead: 'lead' }, fallback: 'other' },
  },
  { source: 'Title', target: 'title', transform: 'uppercase', default: 'UNKNOWN' },
];

/**
 * The reference: a plain INSERT … SELECT FROM unnest(…) … ON CONFLICT of the same rows into the same table and
 * columns, with records-writer.ts's conflict target and DO UPDATE SET, and nothing of the engine around it: no
 * created / updated counts, no transaction with row-level-security settings, no run counters or logs. Run as the
 * database owner on a plain pg client, as a named prepared statement, one statement (autocommit) per page, with
 * the rows as four parallel arrays (the form the issue measures against; records-writer itself now sends a
 * page as one jsonb array, see BENCHMARKS.md).
 */
export const RAW_UPSERT_SQL = `
  INSERT INTO records AS r (organization_id, integration_id, resource, external_id, data, content_hash, source_updated_at, last_seen_run_id)
  SELECT $1, $2, $3, i.external_id, i.data::jsonb, i.content_hash, i.source_updated_at, $4
    FROM unnest($5::text[], $6::text[], $7::text[], $8::timestamptz[]) AS i(external_id, data, content_hash, source_updated_at)
  ON CONFLICT (integration_id, resource, external_id) DO UPDATE SET
    data = EXCLUDED.data,
    content_hash = EXCLUDED.content_hash,
    source_updated_at = EXCLUDED.source_updated_at,
    last_seen_run_id = EXCLUDED.last_seen_run_id,
    deleted_at = NULL,
    updated_at = CASE WHEN r.content_hash = EXCLUDED.content_hash AND r.deleted_at IS NULL THEN r.updated_at ELSE now() END`;

/** Bench → child IPC replies carry this. */
export interface Reply {
  type: string;
  error?: string;
}

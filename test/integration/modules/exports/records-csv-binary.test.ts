/**
 * On Postgres the records CSV is written from a binary COPY of each chunk (EntityExporter.binaryCsv: uuids, texts,
 * jsonb and timestamps in their binary forms); elsewhere from rows of text (writeCsv). The file must be the same byte
 * for byte: here both are made from records whose values exercise every rule (quotes, formula starts, non-ASCII,
 * empty text, NULL and infinite timestamps, BC and five-digit years, times before 1858 and after 2141, microseconds),
 * across several chunks, and compared.
 */
import { sql } from 'kysely';
import t from 'tap';
import type { Db } from '../../../../db/client.js';
import { uuidv7 } from '../../../../server/src/lib/ids.js';
import { csvFile } from '../../../../server/src/modules/exports/csv-export.js';
import { EXPORTERS } from '../../../../server/src/modules/exports/export-entities.js';
import { ExportRun, type ExportPlan } from '../../../../server/src/modules/exports/export-run.js';
import { createTestDatabase } from '../../../helpers/database.js';

const TIMES = [
  '2026-01-31 12:34:56.789123+00',
  '2026-03-01 00:00:00+00',
  '1999-12-31 23:59:59.999999+00',
  '1970-01-01 00:00:00.0005+00',
  '1858-11-16 00:00:00.001+00',
  '1700-02-28 23:59:59.999+00',
  '2200-03-01 12:00:00.25+00',
  '0044-03-15 12:00:00.5+00 BC',
  '0001-01-01 00:00:00+00 BC',
  '10000-01-01 00:00:00.5+00',
  'infinity',
  '-infinity',
];
const TEXTS = ['contacts', '=1+1', '+x', '-y', '@z', '\tt', '\rr', 'say "hi"', '"', 'çà va 😀', ''];

/** The bytes the response sends: the file's pieces are strings, each encoded on its own by the socket. */
async function download(db: Db, plan: ExportPlan): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of csvFile(db, new ExportRun(plan, async () => {}))) chunks.push(Buffer.from(chunk as string, 'utf8'));
  return Buffer.concat(chunks);
}

t.test('records CSV: the binary COPY path writes the bytes the text path writes', async (t) => {
  const database = await createTestDatabase();
  t.teardown(() => database.close());
  const { db } = database;
  const k = db.kysely;
  const orgId = uuidv7();
  const integrationId = uuidv7();
  await k
    .insertInto('organizations')
    .values({
      id: orgId,
      slug: 'bin',
      name: 'Bin',
      status: 'active',
      data_key_wrapped: null,
      data_key_version: null,
      updated_at: new Date(),
    })
    .execute();
  await k
    .insertInto('integrations')
    .values({
      id: integrationId,
      organization_id: orgId,
      provider: 'hubspot',
      name: 'HubSpot',
      status: 'ACTIVE',
      auth_type: 'oauth2',
      client_id: 'c',
      username: null,
      scopes: [],
      settings: '{}',
      updated_at: new Date(),
    })
    .execute();
  // More rows than a chunk, so the binary path's keyset (read from each chunk's last row) is exercised too.
  const count = EXPORTERS.records.chunkSize + 37;
  await sql`
    INSERT INTO records (organization_id, integration_id, resource, external_id, data, content_hash, source_updated_at, first_seen_at, updated_at, deleted_at)
    SELECT ${orgId}::uuid, ${integrationId}::uuid, (${TEXTS}::text[])[1 + g % ${TEXTS.length}], (${TEXTS}::text[])[1 + g % 7] || g,
           jsonb_build_object('n', g, 'text', (${TEXTS}::text[])[1 + g % ${TEXTS.length}], 'nested', jsonb_build_object('q', '"')),
           md5(g::text), (${TIMES}::timestamptz[])[1 + g % ${TIMES.length}], (${TIMES}::timestamptz[])[1 + (g + 3) % ${TIMES.length}],
           (${TIMES}::timestamptz[])[1 + (g + 5) % ${TIMES.length}],
           CASE WHEN g % 3 = 0 THEN NULL ELSE (${TIMES}::timestamptz[])[1 + (g + 7) % ${TIMES.length}] END
      FROM generate_series(1, ${count}) AS g`.execute(k);
  const plan: ExportPlan = {
    organization: { id: orgId, slug: 'bin', name: 'Bin' },
    format: 'csv',
    entities: ['records'],
    startDate: null,
    endDate: null,
    range: { from: null, to: null },
    generatedAt: new Date(),
    generatedBy: null,
  };
  const textPath = await download({ ...db, copyTuplesAfter: undefined }, plan);
  t.equal(textPath.toString('utf8').split('\r\n').length - 2, count, 'the text path: every record');
  t.match(textPath.toString('utf8'), /"'=1\+1"/, 'formula starts neutralised');
  if (!db.copyTuplesAfter) {
    t.comment('PGlite has no binary COPY: the text path is the only one');
    return;
  }
  const binaryPath = await download(db, plan);
  t.equal(binaryPath.length, textPath.length, 'the same length');
  t.ok(binaryPath.equals(textPath), 'the same bytes');
});

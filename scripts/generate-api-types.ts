/**
 * The admin UI's view of the API, generated from the server's own OpenAPI document (which Fastify builds from the
 * TypeBox route schemas), so a shape is written once, in a module's *.schemas.ts:
 *
 *   admin-ui/app/lib/api-types.generated.ts         `paths` and `components`, by openapi-typescript
 *   admin-ui/app/lib/api-field-limits.generated.ts  per-field limits of request bodies and query strings
 *
 *   npm run generate:api-types   writes both files
 *   npm run check:api-types      exits 1 when a committed file differs from what the schemas give (npm run lint runs it)
 *
 * The document is built in-process without a database: building the routes and the document runs no query, so the
 * app gets a Postgres pool that is never connected (its host, under .invalid, could not even be resolved).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, type OpenAPI3, type ParameterObject, type SchemaObject } from 'openapi-typescript';
import * as prettier from 'prettier';
import { openDb } from '../db/client.js';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { CliError, runCli, say } from './lib/cli.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TYPES_FILE = path.join(ROOT, 'admin-ui/app/lib/api-types.generated.ts');
const LIMITS_FILE = path.join(ROOT, 'admin-ui/app/lib/api-field-limits.generated.ts');

const HEADER = `/**
 * GENERATED from the API's OpenAPI document (the TypeBox schemas in server/src/modules/<domain>/<domain>.schemas.ts): do not edit.
 * Regenerate with \`npm run generate:api-types\`; \`npm run lint\` fails when this file is out of date.
 */
`;

/** The OpenAPI document exactly as GET /openapi.json serves it. */
async function buildOpenApiDocument(): Promise<OpenAPI3> {
  const db = await openDb({ databaseUrl: 'postgres://unused.invalid/none', dataDir: '/nonexistent' });
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'generate-api-types-only-never-used-to-sign',
    ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
    DATA_DIR: '/nonexistent',
    PUBLIC_URL: 'http://localhost:3000',
    ADMIN_UI: 'off',
  });
  const app = await buildApp({ config, db, logger: false });
  try {
    await app.ready();
    const res = await app.inject({ url: '/openapi.json' });
    if (res.statusCode !== 200) throw new Error(`GET /openapi.json answered ${res.statusCode}`);
    return res.json() as OpenAPI3;
  } finally {
    await app.close();
    await db.close();
  }
}

const LIMIT_KEYWORDS = ['minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'minItems', 'maxItems', 'enum'] as const;
type FieldLimits = Partial<Record<(typeof LIMIT_KEYWORDS)[number], unknown>>;

/** The checks a form can make before sending: a property's own keywords; literal unions become `enum`. */
function limitsOf(schema: SchemaObject): FieldLimits {
  const s = schema as Record<string, unknown>;
  const limits: FieldLimits = {};
  for (const k of LIMIT_KEYWORDS) if (s[k] !== undefined) limits[k] = s[k];
  const branches = (s.anyOf ?? s.oneOf) as Record<string, unknown>[] | undefined;
  if (branches) {
    const values = branches.filter((b) => b.type !== 'null');
    // A union of literals (TypeBox's `const`, which @fastify/swagger writes as a one-value `enum`) is one enum.
    const literal = (b: Record<string, unknown>) =>
      'const' in b ? [b.const] : Array.isArray(b.enum) && b.enum.length === 1 ? b.enum : null;
    if (values.length > 0 && values.every((b) => literal(b))) limits.enum = values.flatMap((b) => literal(b)!);
    else if (values.length === 1) Object.assign(limits, limitsOf(values[0] as SchemaObject));
  }
  return limits;
}

/** `name`, `schedule.cron`, `scopes[]`: every field of a body, nested objects and array items included. */
function fieldsOf(schema: SchemaObject, prefix = ''): Record<string, FieldLimits> {
  const s = schema as Record<string, unknown>;
  const out: Record<string, FieldLimits> = {};
  const branches = ((s.anyOf ?? s.oneOf) as SchemaObject[] | undefined)?.filter((b) => (b as { type?: unknown }).type !== 'null');
  if (branches?.length === 1) return fieldsOf(branches[0], prefix);
  for (const [name, child] of Object.entries((s.properties ?? {}) as Record<string, SchemaObject>)) {
    const key = prefix + name;
    const own = limitsOf(child);
    if (Object.keys(own).length > 0) out[key] = own;
    Object.assign(out, fieldsOf(child, `${key}.`));
    const items = (child as { items?: SchemaObject }).items;
    if (items) {
      const itemLimits = limitsOf(items);
      if (Object.keys(itemLimits).length > 0) out[`${key}[]`] = itemLimits;
      Object.assign(out, fieldsOf(items, `${key}[].`));
    }
  }
  return out;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

function fieldLimitsModule(doc: OpenAPI3): string {
  const bodies: Record<string, Record<string, FieldLimits>> = {};
  const queries: Record<string, Record<string, FieldLimits>> = {};
  for (const [route, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = (item as Record<string, unknown>)[method] as
        { requestBody?: { content?: Record<string, { schema?: SchemaObject }> }; parameters?: ParameterObject[] } | undefined;
      if (!op) continue;
      const key = `${method.toUpperCase()} ${route}`;
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (body) {
        const fields = fieldsOf(body);
        if (Object.keys(fields).length > 0) bodies[key] = fields;
      }
      const query: Record<string, FieldLimits> = {};
      for (const p of op.parameters ?? []) {
        if (p.in !== 'query' || !p.schema) continue;
        const own = limitsOf(p.schema as SchemaObject);
        if (Object.keys(own).length > 0) query[p.name] = own;
      }
      if (Object.keys(query).length > 0) queries[key] = query;
    }
  }
  return `${HEADER}
/** What each request body accepts, per field (nested fields as \`schedule.cron\`, array items as \`scopes[]\`), keyed by "METHOD /path". */
export const requestBodyLimits = ${JSON.stringify(bodies)} as const;

/** What each query parameter accepts, keyed by "METHOD /path" (the audit filter's \`action\` enum is the list of audit actions). */
export const queryLimits = ${JSON.stringify(queries)} as const;
`;
}

async function format(source: string, file: string): Promise<string> {
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(source, { ...options, filepath: file });
}

const USAGE = `
Usage: npm run generate:api-types          write the admin UI's generated API files
       npm run check:api-types             exit 1 when they differ from what the schemas give (npm run lint runs this)
       npx tsx scripts/generate-api-types.ts [--check]

Builds the API's OpenAPI document in-process (no database) and writes, from it:
  admin-ui/app/lib/api-types.generated.ts         paths and components (openapi-typescript)
  admin-ui/app/lib/api-field-limits.generated.ts  per-field limits of request bodies and query strings

Options:
  --check     compare instead of writing
  -h, --help  show this help

Exit codes: 0 written (or up to date), 1 out of date or failed, 2 bad arguments.
`;

await runCli({ name: 'generate-api-types', usage: USAGE, options: { check: { type: 'boolean' } } }, async ({ values }) => {
  const check = values.check === true;
  const doc = await buildOpenApiDocument();
  const types = HEADER + astToString(await openapiTS(doc, { alphabetize: false }));
  const outputs = [
    { file: TYPES_FILE, text: await format(types, TYPES_FILE) },
    { file: LIMITS_FILE, text: await format(fieldLimitsModule(doc), LIMITS_FILE) },
  ];
  const stale: string[] = [];
  for (const { file, text } of outputs) {
    const current = await readFile(file, 'utf8').catch(() => null);
    if (current === text) continue;
    if (check) stale.push(path.relative(ROOT, file));
    else await writeFile(file, text);
  }
  if (stale.length > 0) {
    throw new CliError(
      `The API's schemas changed but the admin UI's generated types did not: ${stale.join(', ')} ${stale.length === 1 ? 'is' : 'are'} out of date.\n` +
        'Run `npm run generate:api-types` and commit the result.',
    );
  }
  say(check ? 'API types are up to date.' : `Wrote ${outputs.map((o) => path.relative(ROOT, o.file)).join(' and ')}.`);
});

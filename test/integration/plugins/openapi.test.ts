import t from 'tap';
import { createTestApp } from '../../helpers/app.js';

/**
 * The OpenAPI document is generated from the route schemas; docs/api.md is the contract. Every endpoint
 * docs/api.md lists as served must be in the document, with its security and error shape.
 */
const CONTRACT = [
  'GET /healthz',
  'GET /readyz',
  'POST /api/auth/login',
  'POST /api/auth/refresh',
  'POST /api/auth/logout',
  'GET /api/auth/me',
  'GET /api/orgs',
  'POST /api/orgs',
  'GET /api/orgs/{orgId}',
  'PATCH /api/orgs/{orgId}',
  'GET /api/orgs/{orgId}/members',
  'POST /api/orgs/{orgId}/members',
  'PATCH /api/orgs/{orgId}/members/{userId}',
  'DELETE /api/orgs/{orgId}/members/{userId}',
  'GET /api/providers',
  'GET /api/providers/{key}',
  'GET /api/orgs/{orgId}/integrations',
  'POST /api/orgs/{orgId}/integrations',
  'GET /api/orgs/{orgId}/integrations/{id}',
  'PATCH /api/orgs/{orgId}/integrations/{id}',
  'DELETE /api/orgs/{orgId}/integrations/{id}',
  'POST /api/orgs/{orgId}/integrations/{id}/pause',
  'POST /api/orgs/{orgId}/integrations/{id}/resume',
  'POST /api/orgs/{orgId}/integrations/{id}/connect',
  'GET /api/oauth/callback',
  'POST /api/orgs/{orgId}/integrations/{id}/disconnect',
  'GET /api/orgs/{orgId}/integrations/{id}/connection',
  'POST /api/orgs/{orgId}/integrations/{id}/test',
  'GET /api/orgs/{orgId}/integrations/{id}/syncs',
  'POST /api/orgs/{orgId}/integrations/{id}/syncs',
  'GET /api/orgs/{orgId}/syncs/{syncId}',
  'PATCH /api/orgs/{orgId}/syncs/{syncId}',
  'DELETE /api/orgs/{orgId}/syncs/{syncId}',
  'POST /api/orgs/{orgId}/syncs/{syncId}/mappings/preview',
  'POST /api/orgs/{orgId}/syncs/{syncId}/runs',
  'POST /api/orgs/{orgId}/integrations/{id}/sync',
  'POST /api/orgs/{orgId}/sync-all',
  'GET /api/orgs/{orgId}/runs',
  'GET /api/orgs/{orgId}/runs/{runId}',
  'POST /api/orgs/{orgId}/runs/{runId}/cancel',
  'GET /api/orgs/{orgId}/runs/{runId}/logs',
  'POST /api/orgs/{orgId}/syncs/{syncId}/records',
  'GET /api/orgs/{orgId}/runs/{runId}/writes',
  'GET /api/orgs/{orgId}/logs',
  'GET /api/orgs/{orgId}/integrations/{id}/records',
  'GET /api/orgs/{orgId}/audit',
  'GET /api/orgs/{orgId}/api-keys',
  'POST /api/orgs/{orgId}/api-keys',
  'DELETE /api/orgs/{orgId}/api-keys/{keyId}',
  'GET /api/platform/tenants',
  'GET /api/platform/audit',
  'GET /api/platform/audit/verify',
  'GET /api/orgs/{orgId}/export',
];

t.test('every endpoint of the contract is in /openapi.json, and /docs serves the reference', async (t) => {
  const { app } = await createTestApp(t, { seed: false });
  const res = await app.inject({ url: '/openapi.json' });
  t.equal(res.statusCode, 200);
  const doc = res.json();
  t.equal(doc.openapi, '3.1.0');
  const documented = new Set(
    Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    ),
  );
  const missing = CONTRACT.filter((e) => !documented.has(e));
  t.same(missing, [], 'endpoints of docs/api.md missing from the OpenAPI document');
  const members = doc.paths['/api/orgs/{orgId}/members'].get;
  t.ok(members.responses['200'] && members.responses['404'], 'responses are documented, errors included');
  t.match(doc.components.securitySchemes.organizationApiKey, { type: 'http', scheme: 'bearer' }, 'API keys are a security scheme');
  t.same(doc.security, [{ bearer: [] }, { cookie: [] }, { organizationApiKey: [] }], 'beside the session ones');
  t.match(JSON.stringify(doc.components.schemas), /"Error"/, 'the one error shape is a named schema');
  t.notMatch(JSON.stringify(doc), /secret_encrypted|password_hash|access_token_encrypted/, 'no storage column leaks into the contract');
  const docs = await app.inject({ url: '/docs' });
  t.ok([200, 302].includes(docs.statusCode), `/docs answers (${docs.statusCode})`);
});

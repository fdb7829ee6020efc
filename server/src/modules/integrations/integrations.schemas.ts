import { Type } from '@sinclair/typebox';
import { ErrorKind, ListOf, Name, StrictObject, Timestamp, Uuid } from '../../lib/schemas.js';
import { PageQuery } from '../../lib/pagination.js';

export const IntegrationStatus = Type.Union([
  Type.Literal('INACTIVE'),
  Type.Literal('ACTIVE'),
  Type.Literal('ERROR'),
  Type.Literal('SYNCING'),
  Type.Literal('PAUSED'),
]);

const ProviderKey = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$', description: 'A provider key from GET /api/providers' });
/** Write-only secrets: accepted in requests, never present in a response schema. */
const Secret = Type.String({ minLength: 1, maxLength: 4096 });
const Settings = Type.Record(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9]{0,63}$' }), Type.String({ maxLength: 500 }), {
  maxProperties: 30,
});
const Scopes = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 100 });

export const Integration = Type.Object({
  id: Uuid,
  organizationId: Uuid,
  provider: Type.String(),
  name: Type.String(),
  status: IntegrationStatus,
  authType: Type.Union([Type.Literal('oauth2'), Type.Literal('api_key'), Type.Literal('basic')]),
  clientId: Type.Union([Type.String(), Type.Null()]),
  hasClientSecret: Type.Boolean(),
  hasApiKey: Type.Boolean(),
  hasPassword: Type.Boolean(),
  username: Type.Union([Type.String(), Type.Null()]),
  secretHint: Type.Union([Type.String(), Type.Null()]),
  hasWebhookSecret: Type.Boolean({
    description: 'Whether a webhook secret is set (inbound webhooks are verified with it); the secret itself is never returned',
  }),
  connected: Type.Boolean(),
  scopes: Type.Array(Type.String()),
  settings: Type.Record(Type.String(), Type.Unknown()),
  errorCount: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  lastErrorKind: Type.Union([ErrorKind, Type.Null()], {
    description: 'The kind of lastError: auth means reconnecting can help; any other kind is retried (null when unclassified)',
  }),
  lastSyncAt: Type.Union([Timestamp, Type.Null()]),
  nextSyncAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const IntegrationList = ListOf(Integration);

export const IntegrationParams = StrictObject({ orgId: Uuid, id: Uuid });

export const ListIntegrationsQuery = StrictObject({
  provider: Type.Optional(ProviderKey),
  status: Type.Optional(IntegrationStatus),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
  ...PageQuery,
});

const credentialFields = {
  clientId: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  clientSecret: Type.Optional(Secret),
  apiKey: Type.Optional(Secret),
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
  password: Type.Optional(Secret),
  webhookSecret: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 4096,
      description:
        'The secret the provider signs its webhooks with (signing secret, client secret, verifier or channel token): write-only, never returned',
    }),
  ),
};

export const CreateIntegrationBody = StrictObject({
  provider: ProviderKey,
  name: Name,
  ...credentialFields,
  scopes: Type.Optional(Scopes),
  settings: Type.Optional(Settings),
});

export const UpdateIntegrationBody = StrictObject({
  name: Type.Optional(Name),
  ...credentialFields,
  scopes: Type.Optional(Scopes),
  settings: Type.Optional(Settings),
});

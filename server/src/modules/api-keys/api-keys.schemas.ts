import { Type } from '@sinclair/typebox';
import { ListOf, StrictObject, Timestamp, Uuid } from '../../lib/schemas.js';
import { PageQuery } from '../../lib/pagination.js';

export const ApiKeyRole = Type.Union([Type.Literal('viewer'), Type.Literal('admin')], {
  description: "The role the key acts with in its organization: viewer reads, admin also changes the organization's data",
});

export const ApiKey = Type.Object({
  id: Type.String({ format: 'uuid', description: "The key's id" }),
  name: Type.String({ description: 'What the key is for, as people named it' }),
  role: ApiKeyRole,
  prefix: Type.String({ description: 'The first characters of the secret (not secret), to tell keys apart' }),
  createdBy: Type.Object(
    {
      id: Type.Union([Uuid, Type.Null()], { description: 'The Super Admin who created the key' }),
      email: Type.String({ description: "That person's email" }),
    },
    { description: 'Who created the key' },
  ),
  createdAt: Type.String({ format: 'date-time', description: 'When the key was created' }),
  lastUsedAt: Type.Union([Timestamp, Type.Null()], {
    description: 'When the key last called the API (updated at most once a minute); null if never',
  }),
  expiresAt: Type.Union([Timestamp, Type.Null()], { description: 'When the key stops working; null: never' }),
  revokedAt: Type.Union([Timestamp, Type.Null()], { description: 'When the key was revoked; null: not revoked' }),
});
export const ApiKeyList = ListOf(ApiKey);

export const CreatedApiKey = Type.Intersect([
  ApiKey,
  Type.Object({
    secret: Type.String({
      description:
        'The key itself (`lyk_` + 43 characters): send it as `Authorization: Bearer <secret>`. Shown only in this response; Linkyard stores only its hash.',
    }),
  }),
]);

export const CreateApiKeyBody = StrictObject({
  name: Type.String({ minLength: 1, maxLength: 120, description: 'What the key is for (1–120 characters)' }),
  role: ApiKeyRole,
  expiresAt: Type.Optional(
    Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When the key stops working (must be in the future); leave out or null for a key that does not expire',
    }),
  ),
});

export const ApiKeyOrgParams = StrictObject({ orgId: Type.String({ format: 'uuid', description: 'The organization' }) });

export const ApiKeyParams = StrictObject({
  orgId: Type.String({ format: 'uuid', description: 'The organization' }),
  keyId: Type.String({ format: 'uuid', description: 'The API key' }),
});

export const ApiKeyListQuery = StrictObject(PageQuery);

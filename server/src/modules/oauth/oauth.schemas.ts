import { Type } from '@sinclair/typebox';
import { StrictObject, Timestamp } from '../../lib/schemas.js';

export const ConnectBody = StrictObject({
  returnTo: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 500,
      description: 'Relative path in the admin UI to return to after the provider (starts with one "/"); default: the integration page',
    }),
  ),
});

export const ConnectResponse = Type.Object({
  authorizationUrl: Type.String({ description: 'Send the browser here (top-level navigation)' }),
  state: Type.String({ description: 'The OAuth state of this attempt (single use, 10 minutes)' }),
});

/**
 * The provider's redirect. Extra parameters are allowed: providers add their own (`iss` per RFC 9207,
 * `scope`, `session_state`, QuickBooks `realmId`…). Bounds are generous so real responses never hit them.
 */
export const CallbackQuery = Type.Object(
  {
    code: Type.Optional(Type.String({ maxLength: 4096 })),
    state: Type.Optional(Type.String({ maxLength: 1024 })),
    error: Type.Optional(Type.String({ maxLength: 256 })),
    error_description: Type.Optional(Type.String({ maxLength: 4096 })),
    error_uri: Type.Optional(Type.String({ maxLength: 2048 })),
    iss: Type.Optional(Type.String({ maxLength: 2048 })),
  },
  { additionalProperties: true },
);

export const ConnectionStatus = Type.Union(
  [Type.Literal('connected'), Type.Literal('expired'), Type.Literal('not_connected'), Type.Literal('error')],
  {
    description:
      'connected: tokens usable (renewed automatically when a refresh token exists) · expired: the access token expired and cannot be renewed (no refresh token) · error: the last refresh failed · not_connected: no tokens. expired and error need a reconnect.',
  },
);

export const Connection = Type.Object({
  status: ConnectionStatus,
  scopes: Type.Array(Type.String()),
  expiresAt: Type.Union([Timestamp, Type.Null()]),
  externalAccount: Type.Union([Type.String(), Type.Null()]),
  lastRefreshedAt: Type.Union([Timestamp, Type.Null()]),
  refreshFailures: Type.Integer(),
});

export const TestResult = Type.Object({
  ok: Type.Boolean(),
  message: Type.String({ description: 'What happened, for a person; never contains a credential' }),
});

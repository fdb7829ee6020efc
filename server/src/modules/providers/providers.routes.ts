import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { commonErrors } from '../../lib/schemas.js';
import { PROVIDERS } from '../../providers/catalog.js';
import { OVERRIDE_SETTINGS } from '../../providers/provider-definition.js';

const ProviderSummary = Type.Object({
  key: Type.String(),
  name: Type.String(),
  category: Type.String(),
  authType: Type.Union([Type.Literal('oauth2'), Type.Literal('api_key'), Type.Literal('basic')]),
  defaultScopes: Type.Array(Type.String()),
  pkce: Type.Boolean(),
  settings: Type.Array(
    Type.Object({
      key: Type.String(),
      label: Type.String(),
      required: Type.Boolean(),
      default: Type.Optional(Type.String()),
      pattern: Type.Optional(Type.String()),
      description: Type.Optional(Type.String()),
      example: Type.Optional(Type.String()),
    }),
  ),
  overrideSettings: Type.Array(Type.String()),
  resources: Type.Array(Type.Object({ key: Type.String(), name: Type.String(), incremental: Type.Boolean() })),
});

/** The catalog as the admin UI needs it: what to ask for when adding an integration, and what it can sync. */
const catalog = {
  items: PROVIDERS.map((p) => ({
    key: p.key,
    name: p.name,
    category: p.category,
    authType: p.authType,
    defaultScopes: p.authType === 'oauth2' ? [...p.oauth.defaultScopes] : [],
    pkce: p.authType === 'oauth2' ? p.oauth.pkce : false,
    settings: p.settings.map((s) => ({ ...s })),
    overrideSettings: [...OVERRIDE_SETTINGS],
    resources: p.resources.map((r) => ({ key: r.key, name: r.name, incremental: r.incremental !== undefined })),
  })),
};

export const providersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/providers',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['integrations'],
        summary: 'Every provider Linkyard can connect to',
        response: { 200: Type.Object({ items: Type.Array(ProviderSummary) }), ...commonErrors },
      },
    },
    async () => catalog,
  );
};

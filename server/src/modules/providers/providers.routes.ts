import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { NotFound } from '../../lib/errors.js';
import { commonErrors, StrictObject } from '../../lib/schemas.js';
import { PROVIDERS } from '../../providers/catalog.js';
import { OVERRIDE_SETTINGS, type ResourceDefinition } from '../../providers/provider-definition.js';
import { setupHelpOf } from '../../providers/setup-help.js';

/** What every provider says about itself: the list (GET /api/providers) and one provider (GET /api/providers/:key). */
const summaryProperties = {
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
  resources: Type.Array(
    Type.Object({
      key: Type.String(),
      name: Type.String(),
      incremental: Type.Boolean(),
      writable: Type.Boolean({ description: 'Whether the resource has write endpoints (a sync of it may push or be bidirectional)' }),
      selective: Type.Object({
        fields: Type.Boolean({ description: 'Whether the provider can select fields (else `fields` is refused)' }),
        knownFields: Type.Array(Type.String(), { description: "The resource's usual fields, as suggestions" }),
        providerFilters: Type.String({ description: 'Which filters the provider applies itself (the rest are applied by Linkyard)' }),
      }),
    }),
  ),
};
const ProviderSummary = Type.Object(summaryProperties, {
  description: 'A provider of the catalog (GET /api/providers/:key adds its setup help)',
});

const ProviderDetail = Type.Object({
  ...summaryProperties,
  setup: Type.Union(
    [
      Type.Object({
        console: Type.Object({ name: Type.String(), url: Type.String() }),
        steps: Type.Array(Type.String(), { description: "What to do in the provider's console, in order" }),
        scopes: Type.Optional(Type.String({ description: 'About scopes or permissions, beyond the default scopes' })),
      }),
      Type.Null(),
    ],
    {
      description:
        "Where to make the OAuth app (or API key, or app password) in the provider's console and find the client id and secret; the callback URL to register is PUBLIC_URL/api/oauth/callback",
    },
  ),
});

/** For people: which filters a resource's provider applies itself. */
function providerFilters(resource: ResourceDefinition): string {
  const filters = resource.selective?.filters;
  if (!filters) return '';
  switch (filters.style) {
    case 'soql_where':
    case 'jql':
      return `any field with ${filters.ops.join(', ')}`;
    case 'search_body':
      return `${Object.keys(filters.operators).join(', ')} (up to ${filters.maxFilters})`;
    case 'params':
      return filters.params.map((p) => `${p.field} ${p.op}`).join(', ');
  }
}

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
    resources: p.resources.map((r) => ({
      key: r.key,
      name: r.name,
      incremental: r.incremental !== undefined,
      writable: r.write !== undefined,
      selective: {
        fields: r.selective?.fields !== undefined,
        knownFields: [...(r.selective?.knownFields ?? [])],
        providerFilters: providerFilters(r),
      },
    })),
  })),
};

/**
 * One provider with its setup help (where to make the OAuth app or key), which only the new-integration form and an
 * integration's settings show: the list leaves it out, as every integrations page loads the list.
 */
const details = new Map(
  catalog.items.map((item) => {
    const help = setupHelpOf(item.key);
    const setup = help ? { console: { ...help.console }, steps: [...help.steps], ...(help.scopes ? { scopes: help.scopes } : {}) } : null;
    return [item.key, { ...item, setup }];
  }),
);

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

  app.get(
    '/api/providers/:key',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['integrations'],
        summary: 'One provider, with its setup help (404 for a key that is not in the catalog)',
        params: StrictObject({ key: Type.String({ minLength: 1, maxLength: 64, description: 'The provider key, e.g. `hubspot`' }) }),
        response: { 200: ProviderDetail, ...commonErrors },
      },
    },
    async (request) => {
      const provider = details.get(request.params.key);
      if (!provider) throw new NotFound('Provider');
      return provider;
    },
  );
};

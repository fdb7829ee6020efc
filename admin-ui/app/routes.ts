import { index, layout, route, type RouteConfig } from '@react-router/dev/routes';

export default [
  route('login', 'routes/login.tsx'),
  route('logout', 'routes/logout.tsx'),
  route('invite/:token', 'routes/invite.tsx'),
  layout('routes/signed-in-layout.tsx', [
    index('routes/home.tsx'),
    route('profile', 'routes/profile.tsx'),
    route('platform', 'routes/platform.tsx'),
    route('platform/tenants/:orgId', 'routes/platform-tenant.tsx'),
    route('orgs/:orgId', 'routes/org-layout.tsx', [
      index('routes/org-index.tsx'),
      route('integrations', 'routes/integrations.tsx'),
      route('integrations/new', 'routes/integration-new.tsx'),
      route('integrations/new/:provider', 'routes/integration-new-form.tsx'),
      route('integrations/:integrationId', 'routes/integration-layout.tsx', [
        index('routes/integration-overview.tsx'),
        route('syncs', 'routes/integration-syncs.tsx'),
        route('mappings', 'routes/integration-mappings.tsx'),
        route('history', 'routes/integration-history.tsx'),
        route('logs', 'routes/integration-logs.tsx'),
        route('records', 'routes/integration-records.tsx'),
        route('webhooks', 'routes/integration-webhooks.tsx'),
        route('settings', 'routes/integration-settings.tsx'),
      ]),
      route('logs', 'routes/org-logs.tsx'),
      route('members', 'routes/members.tsx'),
      route('settings', 'routes/org-settings.tsx'),
      route('api-keys', 'routes/api-keys.tsx'),
      route('audit', 'routes/audit.tsx'),
      route('exports', 'routes/exports.tsx'),
      route('webhooks', 'routes/webhooks.tsx'),
      route('webhooks/:endpointId', 'routes/webhook-endpoint.tsx'),
      route('sync-status', 'routes/sync-status.tsx'),
      route('conflicts', 'routes/conflicts.tsx'),
      route('conflicts/:conflictId', 'routes/conflict.tsx'),
    ]),
    // Last: any other path, signed in, is a 404 inside this layout.
    route('*', 'routes/not-found.tsx'),
  ]),
] satisfies RouteConfig;

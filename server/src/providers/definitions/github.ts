import type { ProviderDefinition } from '../provider-definition.js';
import { LINK_HEADER_PAGINATION } from './shared.js';

/** The repository events Linkyard maps to resources (resourcesByEventType below); `ping` comes on its own. */
const HOOK_EVENTS = ['issues', 'issue_comment', 'pull_request', 'pull_request_review', 'pull_request_review_comment'];
/** A repository hook's config as GitHub documents it: JSON payloads signed with the secret, TLS verified. */
const HOOK_CONFIG = { url: '{{webhookUrl}}', content_type: 'json', secret: '{{webhookSecret}}', insecure_ssl: '0' };

const PAGE_SIZE = { param: 'per_page', default: 100, max: 100 };
const SINCE = { style: 'since_param', param: 'since', format: 'iso8601' } as const;
const REPO_ISSUES = '/repos/{{owner}}/{{repo}}/issues';

/** A GitHub login or repository name. */
const NAME_PATTERN = '^[A-Za-z0-9_.-]{1,100}$';

/**
 * GitHub OAuth apps. GitHub Enterprise Server uses the overrides (`https://HOST/api/v3`,
 * `https://HOST/login/oauth/…`). The token endpoint answers form-encoded unless asked for JSON.
 */
export const definition: ProviderDefinition = {
  key: 'github',
  name: 'GitHub',
  category: 'developer',
  authType: 'oauth2',
  oauth: {
    authorizationUrl: 'https://github.com/login/oauth/authorize',
    tokenUrl: 'https://github.com/login/oauth/access_token',
    // OAuth apps have no read-only repository scope; `repo` is the narrowest that reaches private repositories.
    defaultScopes: ['repo', 'read:user'],
    scopeSeparator: ' ',
    pkce: true,
    tokenAuthMethod: 'client_secret_post',
  },
  connector: 'rest',
  apiBaseUrl: 'https://api.github.com',
  // Pull requests are listed per repository.
  settings: [
    {
      key: 'owner',
      label: 'Repository owner',
      required: false,
      pattern: NAME_PATTERN,
      description: 'User or organization owning the repository whose pull requests or repository issues to sync.',
      example: 'octo-org',
    },
    {
      key: 'repo',
      label: 'Repository',
      required: false,
      pattern: NAME_PATTERN,
      description: 'Repository whose pull requests or repository issues to sync.',
      example: 'octo-repo',
    },
  ],
  requestHeaders: { Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28' },
  test: { method: 'GET', path: '/user' },
  rateLimitHeaders: {
    remaining: 'x-ratelimit-remaining',
    reset: { header: 'x-ratelimit-reset', format: 'unix_seconds' },
    retryAfter: 'retry-after',
  },
  // An HMAC-SHA256 of the raw body with the webhook's secret, hex, after `sha256=`.
  webhooks: {
    docs: 'https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries',
    registration: [
      'In the repository (or organization) open Settings → Webhooks → Add webhook (or call POST /repos/{owner}/{repo}/hooks), paste this URL as the Payload URL, choose content type application/json and the events you sync.',
      'Type a secret there and set the same value as the webhook secret here.',
      'GitHub sends a ping: it appears in the event list.',
    ],
    // Repository webhooks: https://docs.github.com/en/rest/repos/webhooks (create: 201 with the hook, 404 for a
    // repository the token cannot see, 422 "Validation Failed" for an invalid config or a hook that already exists
    // with this URL; update: PATCH …/hooks/{hook_id}, 404 when it is gone; list: GET …/hooks, each with config.url).
    // Scopes (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps): `repo` covers
    // hooks; `write:repo_hook` and `admin:repo_hook` grant hooks alone. The token's user needs admin rights on the repository.
    apiRegistration: {
      style: 'hook_resource',
      docs: 'https://docs.github.com/en/rest/repos/webhooks',
      anyScope: ['repo', 'write:repo_hook', 'admin:repo_hook'],
      settings: ['owner', 'repo'],
      target: '{{owner}}/{{repo}}',
      create: {
        method: 'POST',
        path: '/repos/{{owner}}/{{repo}}/hooks',
        body: { name: 'web', active: true, events: HOOK_EVENTS, config: HOOK_CONFIG },
      },
      update: {
        method: 'PATCH',
        path: '/repos/{{owner}}/{{repo}}/hooks/{{hookId}}',
        body: { active: true, events: HOOK_EVENTS, config: HOOK_CONFIG },
      },
      list: { method: 'GET', path: '/repos/{{owner}}/{{repo}}/hooks?per_page=100', urlPath: '/config/url' },
      duplicateStatus: 422,
      idPath: '/id',
      unknownTargetStatus: 404,
    },
    verification: {
      scheme: 'hmac',
      algorithm: 'sha256',
      key: { encoding: 'utf8' },
      signedContent: [{ part: 'body' }],
      signature: { header: 'X-Hub-Signature-256', format: { style: 'value', prefix: 'sha256=' }, encoding: 'hex' },
    },
    // Delivery headers: https://docs.github.com/en/webhooks/webhook-events-and-payloads#delivery-headers
    eventId: [{ from: 'header', name: 'X-GitHub-Delivery' }],
    eventType: [{ source: { from: 'header', name: 'X-GitHub-Event' } }],
    resourcesByEventType: {
      issues: ['issues', 'repo_issues'],
      issue_comment: ['issues', 'repo_issues'],
      pull_request: ['pull_requests'],
      pull_request_review: ['pull_requests'],
      pull_request_review_comment: ['pull_requests'],
      repository: ['repos'],
      // Sent once when the webhook is created.
      ping: [],
    },
  },
  resources: [
    {
      // Issues across every repository the user can see; pull requests appear here too, marked by `pull_request`.
      key: 'issues',
      name: 'Issues',
      method: 'GET',
      listPath: '/issues',
      defaultParams: { filter: 'all', state: 'all', sort: 'updated', direction: 'asc' },
      pagination: LINK_HEADER_PAGINATION,
      pageSize: PAGE_SIZE,
      recordsPath: '',
      idPath: '/id',
      updatedAtPath: '/updated_at',
      incremental: SINCE,
      // No field selection. `state` (open, closed, all), `labels` (comma-separated names: issues with all of them)
      // and `since` (updated at or after) filter the listing; an incremental run's own `since` wins over a filter's.
      selective: {
        filters: {
          style: 'params',
          params: [
            { field: 'state', op: 'eq', param: 'state', valueType: 'string' },
            { field: 'labels', op: 'contains', param: 'labels', joiner: ',', valueType: 'string' },
            { field: 'updated_at', op: 'gte', param: 'since', valueType: 'iso8601' },
          ],
        },
      },
    },
    {
      // The issues of the repository named in the settings, keyed by their number: what GitHub's write endpoints
      // address (https://docs.github.com/en/rest/issues/issues#create-an-issue, #update-an-issue). Pull requests are
      // listed here too (marked by `pull_request`). GitHub has no way to delete an issue through the REST API; closing
      // is an update (`state: closed`, `state_reason`), so a push's delete is refused rather than turned into a close
      // that the next pull would bring back as an open-or-closed issue. GitHub takes no idempotency key: creates are
      // retried only after a 429.
      key: 'repo_issues',
      name: 'Repository issues',
      method: 'GET',
      listPath: REPO_ISSUES,
      defaultParams: { state: 'all', sort: 'updated', direction: 'asc' },
      pagination: LINK_HEADER_PAGINATION,
      pageSize: PAGE_SIZE,
      recordsPath: '',
      idPath: '/number',
      updatedAtPath: '/updated_at',
      incremental: SINCE,
      write: {
        create: { method: 'POST', path: REPO_ISSUES, encoding: 'json', recordPath: '' },
        update: { method: 'PATCH', path: `${REPO_ISSUES}/{{id}}`, encoding: 'json', recordPath: '' },
        // 404 for an issue that never was, 410 for a deleted (by an admin, in the UI) or transferred one.
        read: { path: `${REPO_ISSUES}/{{id}}`, recordPath: '' },
        deleteRefusal: 'GitHub cannot delete issues through its API; push an update with "state": "closed" to close the issue instead',
      },
      selective: { filters: { style: 'params', params: [{ field: 'state', op: 'eq', param: 'state', valueType: 'string' }] } },
    },
    {
      // The pulls endpoint has no `since`; sorted by update, newest first, a sync stops at the first known one.
      key: 'pull_requests',
      name: 'Pull requests',
      method: 'GET',
      listPath: '/repos/{{owner}}/{{repo}}/pulls',
      defaultParams: { state: 'all', sort: 'updated', direction: 'desc' },
      pagination: LINK_HEADER_PAGINATION,
      pageSize: PAGE_SIZE,
      recordsPath: '',
      idPath: '/id',
      updatedAtPath: '/updated_at',
      incremental: { style: 'stop_at_older' },
      selective: { filters: { style: 'params', params: [{ field: 'state', op: 'eq', param: 'state', valueType: 'string' }] } },
    },
    {
      key: 'repos',
      name: 'Repositories',
      method: 'GET',
      listPath: '/user/repos',
      defaultParams: { sort: 'updated', direction: 'asc' },
      pagination: LINK_HEADER_PAGINATION,
      pageSize: PAGE_SIZE,
      recordsPath: '',
      idPath: '/id',
      updatedAtPath: '/updated_at',
      incremental: SINCE,
    },
  ],
};

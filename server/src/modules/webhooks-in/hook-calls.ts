import { BadGateway, BadRequest, Conflict } from '../../lib/errors.js';
import { readJsonPointer } from '../../providers/json-pointer.js';
import type { WebhookApiRegistration } from '../../providers/webhook-definition.js';
import { apiUrl } from '../oauth/provider-endpoints.js';
import { ProviderRequestError, providerErrorMessage } from '../sync-engine/connector-errors.js';
import type { BuiltRequest } from '../sync-engine/rest-request.js';
import type { RestTransport, SendOptions } from '../sync-engine/rest-transport.js';

/**
 * The provider calls of a `hook_resource` registration (webhook-definition.ts): update the hook we registered, else
 * create one, and when the provider says one with our URL exists already, find it in the list and update that. Every
 * call goes through the REST transport, so it gets the sync engine's retries, rate-limit waits and 401 refresh.
 */

export interface HookCalls {
  registration: WebhookApiRegistration;
  providerName: string;
  transport: RestTransport;
  apiBase: string;
  /** The integration's settings and connection values, for the path templates. */
  values: Record<string, string>;
  allowHttp: boolean;
  webhookUrl: string;
  secret: string;
  /** What the hook goes on, for messages (`octo-org/octo-repo`). */
  target: string;
}

export interface HookOutcome {
  hookId: string;
  action: 'created' | 'updated';
}

/** A body template with `{{webhookUrl}}` and `{{webhookSecret}}` strings replaced (only whole strings: nothing is spliced). */
export function renderHookBody(template: unknown, webhookUrl: string, secret: string): unknown {
  if (template === '{{webhookUrl}}') return webhookUrl;
  if (template === '{{webhookSecret}}') return secret;
  if (Array.isArray(template)) return template.map((item) => renderHookBody(item, webhookUrl, secret));
  if (template !== null && typeof template === 'object')
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, renderHookBody(value, webhookUrl, secret)]));
  return template;
}

function request(c: HookCalls, method: BuiltRequest['method'], path: string, hookId: string | null, body?: unknown): BuiltRequest {
  const values = hookId === null ? c.values : { ...c.values, hookId };
  const url = apiUrl(c.apiBase, path, values, c.allowHttp);
  return { method, url, ...(body !== undefined ? { body: JSON.stringify(renderHookBody(body, c.webhookUrl, c.secret)) } : {}) };
}

/** The provider's message, never our secret or token (the transport's credentials are masked too). */
function messageOf(c: HookCalls, body: unknown): string | null {
  return providerErrorMessage(body, [...c.transport.secrets, c.secret]);
}

function hookIdOf(c: HookCalls, body: unknown): string {
  const id = readJsonPointer(body, c.registration.idPath);
  if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '')
    throw new BadGateway(`${c.providerName} answered without the id of the webhook it registered; try again`);
  return String(id);
}

async function send(c: HookCalls, built: BuiltRequest, options: SendOptions) {
  const accept = [...(options.accept ?? []), c.registration.unknownTargetStatus];
  const res = await c.transport.send(built, { ...options, accept });
  if (res.status === c.registration.unknownTargetStatus && !options.accept?.includes(res.status)) throw unknownTarget(c);
  return res;
}

function unknownTarget(c: HookCalls): BadRequest {
  const field = c.registration.settings.at(-1);
  return new BadRequest(
    `${c.providerName} has no ${c.target} that this connection can see; check the integration's settings (and that the connected account can administer it)`,
    field ? `/settings/${field}` : undefined,
  );
}

/** Updates a hook; null when the provider no longer has it (deleted by hand), so it is created again. */
async function update(c: HookCalls, hookId: string): Promise<string | null> {
  const { update } = c.registration;
  const built = request(c, update.method, update.path, hookId, update.body);
  const res = await send(c, built, { accept: [c.registration.unknownTargetStatus] });
  if (res.status === c.registration.unknownTargetStatus) return null;
  return hookIdOf(c, res.json());
}

/** The id of the hook whose URL is ours, among those on the target; null when there is none. */
async function findOurs(c: HookCalls): Promise<string | null> {
  const { list } = c.registration;
  const res = await send(c, request(c, list.method, list.path, null), {});
  const hooks = res.json();
  if (!Array.isArray(hooks)) return null;
  const ours = hooks.find((hook) => readJsonPointer(hook, list.urlPath) === c.webhookUrl);
  return ours === undefined ? null : hookIdOf(c, ours);
}

/** Registers the URL: the known hook updated, else a new one, else (the provider has one with this URL) that one updated. */
export async function putHook(c: HookCalls, knownHookId: string | null): Promise<HookOutcome> {
  if (knownHookId !== null) {
    const updated = await update(c, knownHookId);
    if (updated !== null) return { hookId: updated, action: 'updated' };
  }
  const { create, duplicateStatus } = c.registration;
  // A create is not idempotent: retried only after a 429, which did not create anything.
  const res = await send(c, request(c, create.method, create.path, null, create.body), {
    retry: 'rate_limit_only',
    accept: [duplicateStatus],
  });
  if (res.status !== duplicateStatus) return { hookId: hookIdOf(c, res.json()), action: 'created' };
  const existing = await findOurs(c);
  const updated = existing === null ? null : await update(c, existing);
  if (updated !== null) return { hookId: updated, action: 'updated' };
  let said: string | null = null;
  try {
    said = messageOf(c, res.json());
  } catch {
    // Not JSON: nothing of it is repeated.
  }
  throw new Conflict(`${c.providerName} refused the webhook for ${c.target}${said ? `: ${said}` : ''}`);
}

/** A provider call that failed for good, as the API's error: the connection's fault (409) or the provider's (502). */
export function registrationError(providerName: string, err: ProviderRequestError): Conflict | BadGateway {
  if (err.status === 401 || err.status === 403) {
    return new Conflict(
      `${providerName} refused to manage this webhook with the connection's credentials (${err.status}); reconnect the integration with an account that administers the target`,
    );
  }
  if (err.retryable || err.status === null) return new BadGateway(`${err.message}; try again later`);
  return new Conflict(err.message);
}

/**
 * Webhooks: shapes, the event list (read from the API's schema through the generated field limits) and the
 * endpoint form's rules, checked in the browser and in the action before the API checks them again.
 */
import { requestBodyLimits } from './api-field-limits.generated';
import type { RequestBody, ResponseBody } from './types';

export type WebhookEndpoint = ResponseBody<'/api/orgs/{orgId}/webhook-endpoints/{endpointId}', 'get'>;
export type WebhookDelivery = ResponseBody<'/api/orgs/{orgId}/webhook-endpoints/{endpointId}/deliveries', 'get'>['items'][number];
export type WebhookDeliveryDetail = ResponseBody<'/api/orgs/{orgId}/webhook-endpoints/{endpointId}/deliveries/{deliveryId}', 'get'>;
export type WebhookEvent = RequestBody<'/api/orgs/{orgId}/webhook-endpoints', 'post'>['events'][number];
export type DeliveryStatus = WebhookDelivery['status'];

export const endpointLimits = requestBodyLimits['POST /api/orgs/{orgId}/webhook-endpoints'];

/** Every event an endpoint can subscribe to, in the API's order. */
export const WEBHOOK_EVENTS: readonly WebhookEvent[] = endpointLimits['events[]'].enum;

const EVENT_DESCRIPTIONS: Record<WebhookEvent, string> = {
  'sync.succeeded': 'A sync run finished successfully',
  'sync.failed': 'A sync run failed',
  'records.changed': 'A run added, updated or deleted records',
  'integration.connected': 'An integration was connected (OAuth)',
  'integration.disconnected': 'An integration was disconnected',
  'integration.error': 'An integration fell into ERROR',
  'webhook.received': 'A provider webhook was accepted (coming soon)',
  'conflict.created': 'A two-way sync conflict was opened (coming soon)',
  ping: 'Test events (Send test always reaches the endpoint)',
};

export const eventDescription = (event: WebhookEvent) => EVENT_DESCRIPTIONS[event];

export const isWebhookEvent = (value: unknown): value is WebhookEvent => (WEBHOOK_EVENTS as readonly unknown[]).includes(value);

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'succeeded', 'failed'];
export const isDeliveryStatus = (value: unknown): value is DeliveryStatus => (DELIVERY_STATUSES as readonly unknown[]).includes(value);

export interface EndpointFormValues {
  url: string;
  description: string;
  events: string[];
}
export type EndpointFormErrors = Partial<Record<keyof EndpointFormValues, string>>;

export function readEndpointForm(form: FormData): EndpointFormValues {
  return {
    url: String(form.get('url') ?? '').trim(),
    description: String(form.get('description') ?? '').trim(),
    events: form.getAll('events').map(String),
  };
}

export function validateEndpointForm(values: EndpointFormValues): EndpointFormErrors {
  const errors: EndpointFormErrors = {};
  if (!values.url) errors.url = 'Enter the URL that receives the events.';
  else if (values.url.length > endpointLimits.url.maxLength) errors.url = `Use at most ${endpointLimits.url.maxLength} characters.`;
  else if (!/^https?:\/\/[^\s]+$/i.test(values.url))
    errors.url = 'Enter a full URL starting with https://, like https://example.com/hooks.';
  if (values.description.length > endpointLimits.description.maxLength)
    errors.description = `Use at most ${endpointLimits.description.maxLength} characters.`;
  if (values.events.length === 0) errors.events = 'Choose at least one event.';
  else if (!values.events.every(isWebhookEvent)) errors.events = 'Choose events from the list.';
  return errors;
}

/** The delivery's last answer in a few words: the status code, or why there was none. */
export function lastAnswer(d: Pick<WebhookDelivery, 'attempts' | 'lastStatusCode' | 'lastError'>): string {
  if (d.attempts === 0) return 'Not sent yet';
  if (d.lastStatusCode !== null) return `HTTP ${d.lastStatusCode}`;
  return d.lastError ? 'No answer' : '—';
}

import type { WebhookDeclaration } from '../../providers/webhook-definition.js';
import { readValues, type RequestView } from './request-values.js';

/** What a verified delivery says about itself, read with the declaration's event paths. */
export interface WebhookEventDescription {
  /** The provider's event id (parts joined with `:`), or null when the provider sends none: no deduplication then. */
  eventId: string | null;
  /** The first event type, or null when the declaration reads none or the delivery has none. */
  eventType: string | null;
  /** Every distinct event type in the delivery (a HubSpot or QuickBooks batch has several), in order of appearance. */
  eventTypes: string[];
  /**
   * The provider's resource keys the delivery concerns, or null for "every enabled sync of the integration" (no
   * mapping, or a type the mapping does not know). `[]`: no sync at all (a ping).
   */
  resources: string[] | null;
  /** The parsed JSON body, forwarded as `webhook.received`'s `payload`; null when the body is not JSON. */
  payload: unknown;
  /** The body's text that `payload` was parsed from (null when not JSON): stored as is, not serialized again. */
  payloadText: string | null;
}

/** Event types longer than this are not provider event names; they are ignored rather than matched. */
const MAX_EVENT_TYPE_LENGTH = 200;
const MAX_EVENT_TYPES = 100;

// Declarations are frozen constants, so each pattern is compiled once.
const compiledPatterns = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let regex = compiledPatterns.get(pattern);
  if (!regex) {
    regex = new RegExp(pattern);
    compiledPatterns.set(pattern, regex);
  }
  return regex;
}

export function describeEvent(declaration: WebhookDeclaration, view: RequestView): WebhookEventDescription {
  const eventTypes = readEventTypes(declaration, view);
  const payload = view.json();
  return {
    eventId: readEventId(declaration, view),
    eventType: eventTypes[0] ?? null,
    eventTypes,
    resources: resourcesFor(declaration.resourcesByEventType, eventTypes),
    payload: payload === undefined ? null : payload,
    payloadText: view.jsonText() ?? null,
  };
}

function readEventId(declaration: WebhookDeclaration, view: RequestView): string | null {
  if (!declaration.eventId) return null;
  const parts: string[] = [];
  for (const source of declaration.eventId) {
    const value = readValues(view, source)[0];
    if (value === undefined || value === '') return null;
    parts.push(value);
  }
  return parts.join(':');
}

function readEventTypes(declaration: WebhookDeclaration, view: RequestView): string[] {
  const types = new Set<string>();
  for (const { source, pattern } of declaration.eventType ?? []) {
    for (const value of readValues(view, source)) {
      if (value === '' || value.length > MAX_EVENT_TYPE_LENGTH) continue;
      const type = pattern ? compiled(pattern).exec(value)?.[1] : value;
      if (type) types.add(type);
      if (types.size >= MAX_EVENT_TYPES) return [...types];
    }
  }
  return [...types];
}

/**
 * The union of the resources of every event type, or null as soon as one type concerns every sync (unknown to the
 * mapping), since a delivery that concerns everything cannot concern less.
 */
export function resourcesFor(
  mapping: Readonly<Record<string, readonly string[]>> | undefined,
  eventTypes: readonly string[],
): string[] | null {
  if (!mapping || eventTypes.length === 0) return null;
  const resources = new Set<string>();
  for (const type of eventTypes) {
    const mapped = lookUp(mapping, type);
    if (mapped === undefined) return null;
    for (const resource of mapped) resources.add(resource);
  }
  return [...resources];
}

/** An exact key first, else the longest `prefix*` key that the type starts with. */
function lookUp(mapping: Readonly<Record<string, readonly string[]>>, type: string): readonly string[] | undefined {
  if (Object.hasOwn(mapping, type)) return mapping[type];
  let best: string | undefined;
  for (const key of Object.keys(mapping)) {
    if (!key.endsWith('*')) continue;
    const prefix = key.slice(0, -1);
    if (type.startsWith(prefix) && (best === undefined || prefix.length > best.length - 1)) best = key;
  }
  return best === undefined ? undefined : mapping[best];
}

import { appleCalendar, fastmail } from './definitions/caldav.js';
import { definition as clickup } from './definitions/clickup.js';
import { definition as custom } from './definitions/custom.js';
import { definition as dropbox } from './definitions/dropbox.js';
import { definition as fitbit } from './definitions/fitbit.js';
import { definition as github } from './definitions/github.js';
import { googleAnalytics, googleCalendar, googleDrive, googleMeet } from './definitions/google.js';
import { definition as hubspot } from './definitions/hubspot.js';
import { definition as jira } from './definitions/jira.js';
import { definition as linear } from './definitions/linear.js';
import { definition as mailchimp } from './definitions/mailchimp.js';
import { microsoftTeams, outlook } from './definitions/microsoft.js';
import { definition as notion } from './definitions/notion.js';
import { definition as quickbooks } from './definitions/quickbooks.js';
import { definition as salesforce } from './definitions/salesforce.js';
import { definition as shopify } from './definitions/shopify.js';
import { definition as slack } from './definitions/slack.js';
import { definition as stripe } from './definitions/stripe.js';
import { definition as todoist } from './definitions/todoist.js';
import { definition as zendesk } from './definitions/zendesk.js';
import type { ProviderDefinition } from './provider-definition.js';

export { MissingTemplateValueError, renderExpression, renderTemplate, templatePlaceholders } from './template.js';

/** Definitions are shared by every tenant in the process; freezing turns an accidental mutation into a TypeError. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Every provider Linkyard can connect to, ordered by name (the order the admin UI lists them in). */
export const PROVIDERS: readonly ProviderDefinition[] = deepFreeze(
  [
    salesforce,
    hubspot,
    quickbooks,
    stripe,
    googleAnalytics,
    zendesk,
    jira,
    mailchimp,
    slack,
    microsoftTeams,
    shopify,
    googleCalendar,
    googleDrive,
    googleMeet,
    outlook,
    notion,
    clickup,
    linear,
    todoist,
    github,
    dropbox,
    fitbit,
    appleCalendar,
    fastmail,
    custom,
  ].sort((a, b) => a.name.localeCompare(b.name, 'en')),
);

/** Provider keys as stored in `integrations.provider` and accepted by the API. */
export const PROVIDER_KEYS: readonly string[] = Object.freeze(PROVIDERS.map((provider) => provider.key));

// A Map rather than an object, so `getProvider('__proto__')` is simply unknown.
const providersByKey = new Map(PROVIDERS.map((provider) => [provider.key, provider]));

export function getProvider(key: string): ProviderDefinition | undefined {
  return providersByKey.get(key);
}

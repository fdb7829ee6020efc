/**
 * `{{name}}` templates in provider definitions (see provider-definition.ts). Two renderers, because the same
 * placeholder needs different treatment in a URL and in a query expression that the HTTP client encodes later.
 */

const PLACEHOLDER = /\{\{([a-zA-Z][a-zA-Z0-9]*)\}\}/g;

/** Thrown when a template needs a value the integration does not have; names the setting so an admin can fix it. */
export class MissingTemplateValueError extends Error {
  constructor(readonly setting: string) {
    super(`Missing setting "${setting}": this provider needs it to build its URLs`);
    this.name = 'MissingTemplateValueError';
  }
}

/** Placeholder names in order of first appearance. */
export function templatePlaceholders(template: string): string[] {
  return [...new Set(Array.from(template.matchAll(PLACEHOLDER), (match) => match[1]))];
}

/**
 * Fills a URL or path template. Every value is URL-component-encoded, so a value cannot add path segments, a
 * query or a fragment. Encoding does not make a value a safe host label, though: settings that land in a host
 * (`{{subdomain}}.zendesk.com`) are checked against their setting's `pattern` before they are stored.
 *
 * The exception is a placeholder that opens the template (`{{instanceUrl}}`, `{{calendarUrl}}`,
 * `{{authorizationUrl}}`): it stands for a whole URL (or a custom API's path), which encoding would destroy, so it
 * is inserted as is. Such values are pattern-checked as URLs beforehand, and the outbound HTTP client's SSRF
 * guard checks the resolved host of every request anyway.
 */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  let out = '';
  for (const part of partsOf(template)) {
    out += part.literal;
    if (part.name === null) continue;
    const value = requireValue(values, part.name);
    out += part.encode ? encodeURIComponent(value) : value;
  }
  return out;
}

/** A template's text before each placeholder, the placeholder's name (null after the last) and whether it is encoded. */
interface TemplatePart {
  literal: string;
  name: string | null;
  encode: boolean;
}

/**
 * Templates split at their placeholders once: a push renders its write's URL per record. Definitions hold a few
 * dozen templates; a URL from a setting (a custom API base) may add some, so the cache stops growing at a bound.
 */
const splitTemplates = new Map<string, readonly TemplatePart[]>();
const MAX_SPLIT_TEMPLATES = 1000;

function partsOf(template: string): readonly TemplatePart[] {
  const known = splitTemplates.get(template);
  if (known) return known;
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    parts.push({ literal: template.slice(last, match.index), name: match[1], encode: match.index !== 0 });
    last = match.index + match[0].length;
  }
  parts.push({ literal: template.slice(last), name: null, encode: false });
  if (splitTemplates.size < MAX_SPLIT_TEMPLATES) splitTemplates.set(template, parts);
  return parts;
}

/**
 * Fills a query expression (SOQL, JQL, a GraphQL variable, Google's `filter`) verbatim: the result travels as one
 * parameter value, which the HTTP client encodes. Values are the engine's own (formatted times, page offsets),
 * never tenant input, which is what makes verbatim substitution safe here.
 */
export function renderExpression(expression: string, values: Readonly<Record<string, string>>): string {
  return expression.replace(PLACEHOLDER, (_placeholder, name: string) => requireValue(values, name));
}

function requireValue(values: Readonly<Record<string, string>>, name: string): string {
  // Own properties only: `{{constructor}}` must not render Object.prototype.constructor.
  const value = Object.hasOwn(values, name) ? values[name] : undefined;
  if (value === undefined || value === '') throw new MissingTemplateValueError(name);
  return value;
}

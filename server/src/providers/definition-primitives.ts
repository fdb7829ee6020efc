import { Type } from '@sinclair/typebox';

/**
 * The building blocks shared by the parts of a provider definition (provider-definition.ts, write-definition.ts,
 * selection-definition.ts): names, URL and path templates, JSON Pointers. Conventions: provider-definition.ts.
 */

export const strict = { additionalProperties: false } as const;

/** Stable snake_case identifiers: provider and resource keys are stored in the database and used by the API. */
export const SnakeCaseKey = Type.String({ pattern: '^[a-z][a-z0-9]*(_[a-z0-9]+)*$', maxLength: 64 });
/** camelCase names shared by settings, connection values and template placeholders (`subdomain`, `calendarId`). */
export const TemplateName = Type.String({ pattern: '^[a-z][A-Za-z0-9]*$', maxLength: 64 });
export const Label = Type.String({ minLength: 1, maxLength: 120 });
export const Description = Type.String({ minLength: 1, maxLength: 500 });
/** An https URL, or a template whose leading placeholder supplies the whole URL (a pattern-checked setting). */
export const UrlTemplate = Type.String({ pattern: '^(https://|\\{\\{[a-z][A-Za-z0-9]*\\}\\})', maxLength: 500 });
/**
 * A path appended to the API base by string concatenation (never URL resolution, which would let `//host` escape
 * the base): starts with `/`, or with a placeholder for an admin-defined path; `''` is the base itself. May carry
 * a query string.
 */
export const PathTemplate = Type.String({ pattern: '^(/|\\{\\{[a-z][A-Za-z0-9]*\\}\\}|$)', maxLength: 500 });
export const JsonPointer = Type.String({ pattern: '^(/([^~/]|~[01])*)*$', maxLength: 200 });
/** A query parameter name (`page[size]`, `$top`) or, for POST, a body field or JSON Pointer into the body. */
export const ParamName = Type.String({ minLength: 1, maxLength: 100 });
/** Header names and values, or extra authorization URL parameters. */
export const StringMap = Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.String({ maxLength: 200 }));
/** Free-form JSON: query values for GET (scalars only), body fields for POST. */
export const Params = Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.Unknown());

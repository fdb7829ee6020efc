import { Type, type Static, type TOptional, type TString } from '@sinclair/typebox';
import { JsonPointer, ParamName, strict } from './definition-primitives.js';

/** The filter operators of selective sync (API.md, Two-way sync: `filters`). */
export const FILTER_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'in', 'exists'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];
const FilterOpSchema = Type.Union(FILTER_OPS.map((op) => Type.Literal(op)));
/** A provider field name as the provider's API names it in selections and filters (`Email`, `lastmodifieddate`). */
const ProviderFieldName = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$', maxLength: 100 });

/**
 * How a resource's listing asks the provider for only some fields (selective sync's `fields`).
 * - `param`: one parameter holding the names, joined by `joiner` (Jira `fields=a,b`, HubSpot `properties=a,b`);
 *   in a POST body (HubSpot search) the names go as a JSON array. `template` wraps the joined list where the
 *   parameter is a partial-response mask (Google `fields=nextPageToken,items({{fields}})`).
 * - `soql_select`: the select list of the resource's SOQL query (defaultParams and incremental expression) is
 *   replaced by the chosen fields.
 * `required` are always added: what the engine reads (id, modification time) and the paging fields of a mask.
 */
export const FieldSelectionSchema = Type.Union([
  Type.Object(
    {
      style: Type.Literal('param'),
      param: ParamName,
      joiner: Type.Literal(','),
      template: Type.Optional(Type.String({ pattern: '\\{\\{fields\\}\\}', maxLength: 300 })),
      required: Type.Array(ProviderFieldName, { maxItems: 10 }),
    },
    strict,
  ),
  Type.Object(
    { style: Type.Literal('soql_select'), param: ParamName, required: Type.Array(ProviderFieldName, { minItems: 1, maxItems: 10 }) },
    strict,
  ),
]);
export type FieldSelection = Static<typeof FieldSelectionSchema>;

/**
 * Which filters the provider applies itself (selective sync's `filters`); the rest are applied by Linkyard
 * before storing.
 * - `soql_where` / `jql`: any field, these operators, written into the query language's WHERE clause (SOQL) or
 *   ANDed in front of the JQL, with values escaped as the language's string literals.
 * - `search_body`: HubSpot's CRM search: filters appended at `path` (`/filterGroups/0/filters`) as
 *   `{ propertyName, operator, value | values }`; a full listing uses the resource's `endpoint` incremental listing
 *   with the epoch as its lower bound, so filters can go with it.
 * - `params`: named query parameters for a field and an operator (GitHub `state`, Stripe `created[gte]`); a
 *   parameter already carrying the incremental bound is never used for a filter.
 */
export const FilterPushdownSchema = Type.Union([
  Type.Object(
    {
      style: Type.Union([Type.Literal('soql_where'), Type.Literal('jql')]),
      /** The parameter holding the query (`q`, `jql`), in the default parameters and the incremental expression. */
      param: ParamName,
      ops: Type.Array(FilterOpSchema, { minItems: 1 }),
    },
    strict,
  ),
  Type.Object(
    {
      style: Type.Literal('search_body'),
      path: JsonPointer,
      /** The provider's operator for each filter operator it applies (`exists` only as true). */
      operators: Type.Object(
        Object.fromEntries(FILTER_OPS.map((op) => [op, Type.Optional(Type.String({ minLength: 1, maxLength: 40 }))])) as Record<
          FilterOp,
          TOptional<TString>
        >,
        strict,
      ),
      /** Filters the provider takes besides the listing's own bound; the rest are applied by Linkyard. */
      maxFilters: Type.Integer({ minimum: 1, maximum: 20 }),
    },
    strict,
  ),
  Type.Object(
    {
      style: Type.Literal('params'),
      params: Type.Array(
        Type.Object(
          {
            field: ProviderFieldName,
            op: FilterOpSchema,
            param: ParamName,
            /** Several filters on one parameter are joined (GitHub `labels=bug,ui`: issues with all of them). */
            joiner: Type.Optional(Type.Literal(',')),
            /** What the value must be, checked when the sync is saved: Stripe wants Unix seconds, GitHub ISO-8601. */
            valueType: Type.Union([Type.Literal('string'), Type.Literal('integer'), Type.Literal('iso8601')]),
          },
          strict,
        ),
        { minItems: 1, maxItems: 30 },
      ),
    },
    strict,
  ),
]);
export type FilterPushdown = Static<typeof FilterPushdownSchema>;

/** Selective sync for one resource; absent parts mean the provider cannot (fields → 400, filters → applied locally). */
export const SelectiveSyncSchema = Type.Object(
  {
    fields: Type.Optional(FieldSelectionSchema),
    /** Suggestions for the admin UI's fields picker (the resource's usual fields); any valid name may be chosen. */
    knownFields: Type.Optional(Type.Array(ProviderFieldName, { maxItems: 100 })),
    /**
     * Where a provider field sits in a record as listed, for filters applied locally: HubSpot's properties are
     * under `properties.`, Jira's fields under `fields.`. Absent: at the top level.
     */
    recordPrefix: Type.Optional(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*\\.$', maxLength: 50 })),
    filters: Type.Optional(FilterPushdownSchema),
  },
  strict,
);
export type SelectiveSync = Static<typeof SelectiveSyncSchema>;

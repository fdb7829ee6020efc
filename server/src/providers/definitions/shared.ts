import type { Incremental, PageSize, ResourceDefinition, WriteEndpoints } from '../provider-definition.js';

/**
 * One DNS label (a Zendesk subdomain, a Shopify shop name): the only check between a tenant's setting and the host
 * our requests go to.
 */
export const HOST_LABEL_PATTERN = '^[a-z0-9][a-z0-9-]{0,62}$';

/**
 * Settings holding a whole URL (no userinfo, which could disguise the host). http is allowed for local development;
 * the outbound client requires https in production.
 */
export const URL_SETTING_PATTERN = '^https?://[^\\s/?#@]+(/\\S*)?$';

/** GitHub's Link header: also the sane default for admin-defined APIs. */
export const LINK_HEADER_PAGINATION = { style: 'link_header' } as const;

export interface GraphqlConnectionOptions {
  key: string;
  name: string;
  /** The GraphQL endpoint, relative to the API base. */
  path: string;
  /** Root query field returning a Relay connection (`issues`, `products`). */
  connection: string;
  /** Selection of each node; must include `id` and `updatedAt`. */
  fields: string;
  /** Extra variable declarations and the arguments that use them (`$filter: IssueFilter`, `filter: $filter`). */
  variables?: string;
  args?: string;
  pageSize: Omit<PageSize, 'param'>;
  incremental?: Incremental;
  /** Mutations writing the connection's nodes (two-way sync). */
  write?: WriteEndpoints;
}

/**
 * A Relay-style GraphQL connection (Linear, Shopify) as a resource: the document is built here so page size,
 * cursor and the paths that read `nodes` and `pageInfo` cannot drift apart.
 */
export function graphqlConnection(options: GraphqlConnectionOptions): ResourceDefinition {
  const { key, name, path, connection, fields, variables, args, pageSize, incremental, write } = options;
  const declarations = ['$first: Int!', '$after: String', variables].filter(Boolean).join(', ');
  const argumentList = ['first: $first', 'after: $after', args].filter(Boolean).join(', ');
  const document =
    `query List(${declarations}) { ${connection}(${argumentList}) ` + `{ nodes { ${fields} } pageInfo { hasNextPage endCursor } } }`;
  const pageInfo = `/data/${connection}/pageInfo`;
  return {
    key,
    name,
    method: 'POST',
    listPath: path,
    defaultParams: { query: document },
    pagination: {
      style: 'cursor_body',
      param: '/variables/after',
      cursorFrom: 'response',
      cursorPath: `${pageInfo}/endCursor`,
      hasMorePath: `${pageInfo}/hasNextPage`,
    },
    pageSize: { param: '/variables/first', ...pageSize },
    recordsPath: `/data/${connection}/nodes`,
    idPath: '/id',
    updatedAtPath: '/updatedAt',
    ...(incremental ? { incremental } : {}),
    ...(write ? { write } : {}),
  };
}

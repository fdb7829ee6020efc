import { Type, type TSchema } from '@sinclair/typebox';

/** Building blocks shared by every module's schemas. Objects reject unknown properties. */
export const Uuid = Type.String({ format: 'uuid' });
export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
export const Timestamp = Type.String({ format: 'date-time' });
export const Name = Type.String({ minLength: 1, maxLength: 120 });
export const Role = Type.Union([Type.Literal('viewer'), Type.Literal('admin'), Type.Literal('super_admin')]);

/** A classified failure (error-kind.ts): which remedy can help. */
export const ErrorKind = Type.Union(
  [Type.Literal('auth'), Type.Literal('network'), Type.Literal('provider'), Type.Literal('rate_limit'), Type.Literal('mapping')],
  {
    description:
      'What kind of failure: auth (reconnect the integration), network (the provider could not be reached), provider (it answered with an error), rate_limit (it asked to slow down), mapping (the field mappings could not be used); the last four are retried',
  },
);

export const StrictObject = <T extends Record<string, TSchema>>(properties: T) => Type.Object(properties, { additionalProperties: false });

export const OrgParams = StrictObject({ orgId: Uuid });

export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    message: Type.String(),
    requestId: Type.String(),
    field: Type.Optional(
      Type.String({
        description: 'The input at fault (400): a JSON Pointer into the body (/settings/subdomain), query.<name> or params.<name>',
      }),
    ),
  },
  { $id: 'Error' },
);

export const ListOf = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

/** Error responses every authenticated route may give; spread into `response`. */
export const commonErrors = {
  400: Type.Ref(ErrorResponse),
  401: Type.Ref(ErrorResponse),
  403: Type.Ref(ErrorResponse),
  404: Type.Ref(ErrorResponse),
  429: Type.Ref(ErrorResponse),
};

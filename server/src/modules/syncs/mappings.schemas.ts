import { Type, type Static } from '@sinclair/typebox';
import { StrictObject } from '../../lib/schemas.js';

/**
 * Request/response schemas for field mappings. The route-level schema bounds sizes and rejects unknown
 * properties; the rules that need context (which args a transform takes, path syntax, duplicate or
 * conflicting targets, template placeholders) live in `compileMappings` (mappings.ts), which gives
 * messages naming the mapping index and field. The syntax itself is documented there.
 */
export const TRANSFORMS = [
  'string',
  'number',
  'boolean',
  'date',
  'lowercase',
  'uppercase',
  'trim',
  'split',
  'join',
  'default',
  'constant',
  'template',
  'value_map',
] as const;
export type TransformName = (typeof TRANSFORMS)[number];

export const DATE_INPUT_FORMATS = ['iso', 'unix_seconds', 'unix_ms'] as const;
export type DateInputFormat = (typeof DATE_INPUT_FORMATS)[number];

export const MAX_MAPPINGS = 200;
export const MAX_SOURCE_LENGTH = 500;
export const MAX_TARGET_LENGTH = 100;
export const MAX_TEMPLATE_LENGTH = 2000;
export const MAX_SEPARATOR_LENGTH = 20;
export const MAX_VALUE_MAP_ENTRIES = 500;
export const MAX_VALUE_MAP_KEY_LENGTH = 200;
export const MAX_LITERAL_STRING_LENGTH = 1000;
export const MAX_LITERAL_ARRAY_ITEMS = 100;

/** Segments that could reach an object's prototype; rejected in sources, targets and placeholders. */
export const RESERVED_SEGMENTS = ['__proto__', 'constructor', 'prototype'] as const;

/**
 * Target field names: identifiers joined by dots (a dot makes a nested object), no reserved segment.
 * The lookahead keeps `__proto__`, `constructor` and `prototype` out as any segment.
 */
export const TARGET_PATTERN =
  '^(?!(?:.*\\.)?(?:__proto__|constructor|prototype)(?:\\.|$))[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)*$';

const LiteralScalar = Type.Union([Type.String({ maxLength: MAX_LITERAL_STRING_LENGTH }), Type.Number(), Type.Boolean(), Type.Null()]);
/** A value written by the mapping itself (constant, default, value-map entries): a scalar or a short list of scalars. */
const literal = (description?: string) =>
  Type.Union([LiteralScalar, Type.Array(LiteralScalar, { maxItems: MAX_LITERAL_ARRAY_ITEMS })], description ? { description } : {});
export const MappingLiteral = literal();
export type MappingLiteral = Static<typeof MappingLiteral>;

/** Every argument any transform takes; `compileMappings` checks which ones a given transform needs or accepts. */
export const MappingArgsSchema = StrictObject({
  separator: Type.Optional(Type.String({ maxLength: MAX_SEPARATOR_LENGTH, description: 'split (1+ characters) and join' })),
  value: Type.Optional(literal('constant and default')),
  template: Type.Optional(
    Type.String({ minLength: 1, maxLength: MAX_TEMPLATE_LENGTH, description: 'template, e.g. "{{firstName}} {{lastName}}"' }),
  ),
  map: Type.Optional(
    Type.Record(Type.String(), literal(), {
      minProperties: 1,
      maxProperties: MAX_VALUE_MAP_ENTRIES,
      propertyNames: { maxLength: MAX_VALUE_MAP_KEY_LENGTH },
      description: 'value_map: provider value → organization value',
    }),
  ),
  fallback: Type.Optional(literal('value_map: used for values not in map')),
  inputFormat: Type.Optional(
    Type.Union(
      DATE_INPUT_FORMATS.map((f) => Type.Literal(f)),
      { description: 'date: how the source is written (default iso)' },
    ),
  ),
});
export type MappingArgs = Static<typeof MappingArgsSchema>;

export const FieldMappingSchema = StrictObject({
  source: Type.Optional(
    Type.String({
      maxLength: MAX_SOURCE_LENGTH,
      description:
        'Path into the provider record, e.g. properties.email, emails[0].value, custom_fields["Account Id"]; empty only for constant and template',
    }),
  ),
  target: Type.String({
    minLength: 1,
    maxLength: MAX_TARGET_LENGTH,
    pattern: TARGET_PATTERN,
    description: "The organization's field; dots create nested objects (address.city)",
  }),
  transform: Type.Optional(Type.Union(TRANSFORMS.map((t) => Type.Literal(t)))),
  args: Type.Optional(MappingArgsSchema),
  required: Type.Optional(Type.Boolean()),
  default: Type.Optional(literal('Written when the source is missing or null')),
});
export type FieldMapping = Static<typeof FieldMappingSchema>;

export const FieldMappingsSchema = Type.Array(FieldMappingSchema, { maxItems: MAX_MAPPINGS });

export const MappingErrorSchema = Type.Object({
  target: Type.String(),
  source: Type.Optional(Type.String()),
  message: Type.String(),
});
export type MappingError = Static<typeof MappingErrorSchema>;

export const MappingPreviewBody = StrictObject({
  record: Type.Record(Type.String(), Type.Unknown(), { description: 'A sample provider record' }),
});

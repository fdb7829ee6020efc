/**
 * Fastify's own schema compilers (@fastify/ajv-compiler for validation, @fastify/fast-json-stringify-compiler for
 * responses), made lazy and shared. Fastify compiles every route's validators and serializers when the app starts —
 * about 0.5–0.9 s of CPU for our ~100 routes, on every start and in every test that builds an app, most of which
 * call a handful of routes. Here a route's schema is compiled the first time a request needs it, by the same
 * compilers with the same options, so what a request sees is unchanged; and one compiler pool serves every app of the
 * process (Ajv caches a compiled schema by the schema object, and the TypeBox schemas are module constants), so a
 * second app in a process reuses what the first compiled.
 */
import AjvCompiler from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

interface RouteSchema {
  schema: unknown;
  method: string;
  url: string;
  httpPart?: string;
  httpStatus?: string;
}
type ValidatorFactory = (externalSchemas: unknown, options: unknown) => (route: RouteSchema) => ValidateFn;
type SerializerFactory = (externalSchemas: unknown, options: unknown) => (route: RouteSchema) => (data: unknown) => string;
type ValidateFn = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };

/** One pool per process: @fastify/ajv-compiler keys its Ajv instances by shared schemas and options. */
const validatorPool = AjvCompiler() as unknown as ValidatorFactory;
const serializerPool = SerializerSelector() as unknown as SerializerFactory;
/** Compiled serializers by shared schemas and options, then by the route's schema object. */
const serializers = new Map<string, WeakMap<object, (data: unknown) => string>>();

const buildValidator: ValidatorFactory = (externalSchemas, options) => {
  // The Ajv instance too is made at the first validation: making it compiles Ajv's meta-schema and adds the shared
  // schemas (~3 MB allocated, ~1 MB kept), which an idle process never needs.
  let compile: ReturnType<ValidatorFactory> | undefined;
  return (route) => {
    const schema = route.httpPart === 'headers' ? lowerCaseHeaderNames(route.schema) : route.schema;
    let validate: ValidateFn | undefined;
    // `schemaEnv` tells Fastify to pass the parent object, as it does for Ajv's own functions (needed to coerce a root value).
    const lazy: ValidateFn = Object.assign(
      (data: unknown, context?: unknown) => {
        compile ??= validatorPool(externalSchemas, options);
        validate ??= compile({ ...route, schema });
        const result = validate(data, context);
        lazy.errors = validate.errors;
        return result;
      },
      { errors: null as unknown, schemaEnv: true },
    );
    return lazy;
  };
};

/**
 * Header names arrive lower-cased: Fastify lower-cases a headers schema's property names before compiling it with its
 * default compiler (not with a custom one, which a lazy compiler counts as), so this does the same.
 */
function lowerCaseHeaderNames(schema: unknown): unknown {
  const s = schema as { properties?: Record<string, unknown>; required?: string[] } | null;
  if (!s || typeof s !== 'object' || Object.getPrototypeOf(s) !== Object.prototype || !s.properties) return schema;
  return {
    ...s,
    properties: Object.fromEntries(Object.entries(s.properties).map(([name, value]) => [name.toLowerCase(), value])),
    ...(s.required ? { required: s.required.map((name) => name.toLowerCase()) } : {}),
  };
}

const buildSerializer: SerializerFactory = (externalSchemas, options) => {
  const compile = serializerPool(externalSchemas, options);
  const key = JSON.stringify([externalSchemas, options]);
  const compiled = serializers.get(key) ?? serializers.set(key, new WeakMap()).get(key)!;
  return (route) => {
    const schema = route.schema as object;
    return (data: unknown) => {
      let serialize = compiled.get(schema);
      if (!serialize) compiled.set(schema, (serialize = compile(route)));
      return serialize(data);
    };
  };
};

/** Fastify's `schemaController` option for lazy, shared compilers. */
export const lazySchemaCompilers = { compilersFactory: { buildValidator, buildSerializer } } as FastifyServerOptions['schemaController'];

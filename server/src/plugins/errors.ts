import { STATUS_CODES } from 'node:http';
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, BadRequest } from '../lib/errors.js';
import { badValueMessage, findBadValue, jsonPointer } from '../lib/input-values.js';

/**
 * One error path (docs/architecture.md, convention 6): every failure leaves as
 * `{ statusCode, error, message, requestId, field? }`. Client errors say what to fix (and, when one
 * input is at fault, which: `field`); 5xx say nothing beyond the request id, and the details go to the
 * log under that id.
 *
 * Bad input is refused here too, for every API route at once: no string anywhere in the params, query
 * or body (free-form JSON included) may hold text no column can store, and no number may be infinite
 * (lib/input-values.ts).
 */
export default fp(async function errorsPlugin(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    let statusCode = 500;
    let message = `Something went wrong on our side; quote request id ${request.id} when reporting it`;
    let field: string | undefined;
    if (err instanceof AppError) {
      statusCode = err.statusCode;
      message = err.message;
      field = err.field;
      reply.headers(err.headers);
    } else if (err.validation) {
      statusCode = 400;
      message = validationMessage(err);
      field = validationField(err);
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      // Fastify's own client errors: malformed JSON, body too large, unsupported content type…
      // docs/api.md promises 400 for any invalid input, so 413 and 415 are reported as 400 too.
      statusCode = err.statusCode === 413 || err.statusCode === 415 ? 400 : err.statusCode;
      message = clientErrorMessage(err);
    }
    if (statusCode >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ statusCode, reason: message }, 'request rejected');
    reply.code(statusCode).send({
      statusCode,
      error: STATUS_CODES[statusCode] ?? 'Internal Server Error',
      message,
      requestId: request.id,
      ...(field !== undefined ? { field } : {}),
    });
  });

  // Text is checked before the schemas run, so `field` points into the document the client sent; numbers
  // once more after them, because coercion turns a query's "1e309" into Infinity. Routes without a
  // request schema (the admin UI's pages) read no API input.
  const apiRoute = (request: FastifyRequest) => {
    const schema = request.routeOptions.schema;
    return !!schema && !!(schema.body || schema.querystring || schema.params);
  };
  // Callback hooks, not async ones: nothing here waits, and every API request passes both (a throw is Fastify's to catch).
  app.addHook('preValidation', (request, _reply, done) => {
    if (apiRoute(request)) rejectBadValues(request, false);
    done();
  });
  app.addHook('preHandler', (request, _reply, done) => {
    if (apiRoute(request)) rejectBadValues(request, true);
    done();
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      statusCode: 404,
      error: 'Not Found',
      message: `No route ${request.method} ${request.url.split('?')[0]}`,
      requestId: request.id,
    });
  });
});

const PARTS = [
  ['params', 'params'],
  ['querystring', 'query'],
  ['body', 'body'],
] as const;

function rejectBadValues(request: FastifyRequest, numbersOnly: boolean) {
  for (const [part, property] of PARTS) {
    const bad = findBadValue(request[property], numbersOnly);
    if (bad) throw new BadRequest(badValueMessage(part + bad.path.map((k) => `.${k}`).join(''), bad), fieldOf(part, bad.path));
  }
}

/** Where an input is, for clients: a JSON Pointer into the body, `query.<name>`, `params.<name>`. */
function fieldOf(part: string, path: string[]): string | undefined {
  if (path.length === 0 || !part) return undefined; // the part as a whole: the message says which
  if (part === 'body') return jsonPointer(path);
  return `${part === 'querystring' ? 'query' : part}.${path.join('.')}`;
}

function validationField(err: FastifyError): string | undefined {
  const first = err.validation?.[0];
  if (!first) return undefined;
  const path = first.instancePath
    ? first.instancePath
        .split('/')
        .slice(1)
        .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
    : [];
  const params = first.params as { missingProperty?: string; additionalProperty?: string };
  if (first.keyword === 'required' && params.missingProperty) path.push(params.missingProperty);
  if (first.keyword === 'additionalProperties' && params.additionalProperty) path.push(params.additionalProperty);
  return fieldOf(err.validationContext ?? '', path);
}

function validationMessage(err: FastifyError): string {
  const first = err.validation?.[0];
  if (!first) return err.message;
  const where = (err.validationContext ?? 'request') + (first.instancePath ? first.instancePath.replace(/\//g, '.') : '');
  if (first.keyword === 'additionalProperties') {
    return `${where} has an unknown property "${(first.params as { additionalProperty: string }).additionalProperty}"`;
  }
  if (first.keyword === 'enum') {
    return `${where} must be one of: ${(first.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  }
  if (first.keyword === 'format' && (first.params as { format: string }).format === 'uuid') {
    return `${where} must be a UUID`;
  }
  return `${where} ${first.message}`;
}

function clientErrorMessage(err: FastifyError): string {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'Request body is not valid JSON';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'Request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Content-Type must be application/json';
    default:
      return err instanceof SyntaxError ? 'Request body is not valid JSON' : err.message;
  }
}

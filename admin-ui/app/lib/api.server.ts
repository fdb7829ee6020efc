import createClient, { type Client } from 'openapi-fetch';
import { data, redirect, type AppLoadContext } from 'react-router';
import type { paths } from './api-types.generated';
import type { ApiCall, ApiCallResult } from './context';
import { fieldErrorsOf, formErrorOf, type FormFields } from './form-errors';
import type { ApiErrorBody } from './types';

/** An answer as actions use it: the data, or what to tell the person (message, request id, input at fault, Retry-After). */
export type ApiResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; message: string; requestId?: string; field?: string; retryAfter?: string };

/**
 * Leaves out unset and empty values, so an empty filter field is no filter (the API refuses `q=`); an array is the
 * parameter repeated (`ids=a&ids=b`), as the API reads it.
 */
function querySerializer(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (Array.isArray(v)) for (const item of v) params.append(k, String(item));
    else if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  return params.toString();
}

function toResponse(res: ApiCallResult): Response {
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers))
    for (const value of Array.isArray(v) ? v : v === undefined ? [] : [v]) headers.append(k, value);
  const empty = res.status === 204 || res.status === 304 || res.body === '';
  return new Response(empty ? null : res.body, { status: res.status, headers });
}

/**
 * The API for this page request, typed by its OpenAPI document (api-types.generated.ts): a call's path,
 * parameters, body and answer are checked at compile time. Calls never leave the process: the client's fetch
 * hands each one to the in-process bridge (context.api), which injects it into Fastify with the browser's cookies.
 */
export function api(context: AppLoadContext): Client<paths> {
  return createClient<paths>({
    // Only the path and query are used: any origin would do.
    baseUrl: 'http://linkyard.internal',
    querySerializer,
    fetch: async (request: Request) => {
      const url = new URL(request.url);
      const text = await request.text();
      const call = {
        method: request.method as ApiCall['method'],
        path: url.pathname + url.search,
        body: text ? JSON.parse(text) : undefined,
        idempotencyKey: request.headers.get('idempotency-key') ?? undefined,
      };
      return toResponse(await context.api.call(call));
    },
  });
}

/** openapi-fetch's answer: `data` on success, `error` (the API's error body) otherwise. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** A typed call's answer as an ApiResult, for actions that show errors: `settled(api(context).POST(…))`. */
export async function settled<T>(pending: Promise<Answer<T>>): Promise<ApiResult<T>> {
  const { data: body, error, response } = await pending;
  if (response.ok) return { ok: true, status: response.status, data: body as T };
  const err = (error && typeof error === 'object' ? error : {}) as Partial<ApiErrorBody>;
  return {
    ok: false,
    status: response.status,
    message: err.message ?? `The server answered ${response.status}`,
    requestId: err.requestId,
    field: err.field,
    retryAfter: response.headers.get('retry-after') ?? undefined,
  };
}

/**
 * A typed call's data for a loader: `await loaded(request, api(context).GET(…))`. Otherwise it throws what the
 * page should do — sign in again on 401, or an error response the route's error boundary shows (403, 404, …).
 */
export async function loaded<T>(request: Request, pending: Promise<Answer<T>>): Promise<T> {
  const res = await settled(pending);
  if (res.ok) return res.data;
  if (res.status === 401) throw redirectToLogin(request);
  throw data({ message: res.message, requestId: res.requestId }, { status: res.status });
}

/** Throws for an action's call that failed in a way the form cannot show (not signed in). */
export function redirectToLogin(request: Request) {
  const url = new URL(request.url);
  const returnTo = url.pathname + url.search;
  return redirect(returnTo === '/' ? '/login' : `/login?returnTo=${encodeURIComponent(returnTo)}`);
}

export type ActionOutcome =
  { ok: true; message: string; intent?: string } | { ok: false; message: string; intent?: string; fieldErrors?: Record<string, string> };

/** Turns an API result into what an action returns for its form (success message or readable error). */
export function outcome(request: Request, res: ApiResult<unknown>, success: string, intent?: string): ActionOutcome {
  if (res.ok) return { ok: true, message: success, intent };
  if (res.status === 401) throw redirectToLogin(request);
  const prefix = res.status === 403 ? 'Not allowed: ' : res.status === 429 ? 'Too many requests: ' : '';
  const wait = res.retryAfter ? ` Try again in ${res.retryAfter} s.` : '';
  return { ok: false, message: `${prefix}${res.message}${wait}`, intent };
}

/**
 * `outcome` for a form: a refusal about one of the form's inputs (the error's `field`) comes back in
 * `fieldErrors`, to be shown next to that input; any other stays the form's message.
 */
export function formOutcome(
  request: Request,
  res: ApiResult<unknown>,
  success: string,
  fields: FormFields,
  intent?: string,
): ActionOutcome {
  const out = outcome(request, res, success, intent);
  if (res.ok || out.ok) return out;
  const fieldErrors = fieldErrorsOf(formErrorOf(res, fields));
  return Object.keys(fieldErrors).length ? { ...out, fieldErrors } : out;
}

import { data, redirect, type AppLoadContext } from 'react-router';
import type { ApiCall } from './context';
import { fieldErrorsOf, formErrorOf, type FormFields } from './form-errors';
import type { ApiErrorBody } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

/** `/api/…?a=1` from a path and the query values that are set. */
export function apiPath(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function parse(body: string): unknown {
  if (!body) return null;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** Calls the API and returns the status and parsed body, whatever the status. For actions that show errors. */
export async function callApi<T = unknown>(context: AppLoadContext, method: ApiCall['method'], path: string, body?: unknown) {
  const res = await context.api.call({ method, path, body });
  const parsed = parse(res.body);
  if (res.status >= 200 && res.status < 300) return { ok: true as const, status: res.status, data: parsed as T };
  const err = (parsed ?? {}) as Partial<ApiErrorBody>;
  return {
    ok: false as const,
    status: res.status,
    message: err.message ?? `The server answered ${res.status}`,
    requestId: err.requestId,
    field: err.field,
    retryAfter: typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : undefined,
  };
}

/**
 * Calls the API for a loader: the parsed body on success; otherwise it throws what the page should do —
 * sign in again on 401, or an error response the route's error boundary shows (403, 404, …).
 */
export async function loadApi<T>(request: Request, context: AppLoadContext, path: string): Promise<T> {
  const res = await callApi<T>(context, 'GET', path);
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
export function outcome(request: Request, res: Awaited<ReturnType<typeof callApi>>, success: string, intent?: string): ActionOutcome {
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
  res: Awaited<ReturnType<typeof callApi>>,
  success: string,
  fields: FormFields,
  intent?: string,
): ActionOutcome {
  const out = outcome(request, res, success, intent);
  if (res.ok || out.ok) return out;
  const fieldErrors = fieldErrorsOf(formErrorOf(res, fields));
  return Object.keys(fieldErrors).length ? { ...out, fieldErrors } : out;
}

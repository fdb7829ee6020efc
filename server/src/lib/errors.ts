/**
 * Typed errors thrown by services and plugins; the error handler maps them to the API's error shape
 * `{ statusCode, error, message, requestId, field? }`. Messages of these errors are safe to show to users.
 */
export class AppError extends Error {
  /** The input at fault, when one is: a JSON Pointer into the body (`/settings/subdomain`), `query.<name>` or `params.<name>`. */
  field?: string;

  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequest extends AppError {
  constructor(message: string, field?: string) {
    super(400, 'Bad Request', message);
    if (field !== undefined) this.field = field;
  }
}
export class Unauthorized extends AppError {
  constructor(message = 'Authentication required') {
    super(401, 'Unauthorized', message);
  }
}
export class Forbidden extends AppError {
  constructor(message = 'You are not allowed to do this') {
    super(403, 'Forbidden', message);
  }
}
export class NotFound extends AppError {
  constructor(what = 'Resource') {
    super(404, 'Not Found', `${what} not found`);
  }
}
export class Conflict extends AppError {
  /** `field`: the input that collides (a duplicate name), so a form can show the message next to it. */
  constructor(message: string, field?: string) {
    super(409, 'Conflict', message);
    if (field !== undefined) this.field = field;
  }
}
export class TooManyRequests extends AppError {
  constructor(retryAfterSeconds: number) {
    super(429, 'Too Many Requests', `Too many requests; try again in ${retryAfterSeconds} seconds`, {
      'retry-after': String(retryAfterSeconds),
    });
  }
}

/** Postgres unique_violation: lets repos turn a race into a clean 409 instead of a 500. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string } | null;
  return !!e && e.code === '23505' && (!constraint || e.constraint === constraint);
}

/**
 * The provider behind a request failed it (down, or kept answering 5xx or 429): nothing the caller typed is at fault,
 * and the message (already stripped of credentials) says which provider and what to do.
 */
export class BadGateway extends AppError {
  constructor(message: string) {
    super(502, 'Bad Gateway', message);
  }
}

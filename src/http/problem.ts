// The one place where what was thrown becomes a response: RFC 9457 problem+json for the API.
// Ours (AppError) map through one table; Hono's HTTPException keeps its status; anything else is
// logged without request data (no personal data in logs) and answered as a bare 500.
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, type ErrorCode, invalidField } from '../core/errors.js';
import { describeUnexpectedError } from '../core/log-error.js';
import type { AppEnv } from './env.js';

export const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  malformed_body: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  transactional_refusal: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid_field: 422,
  rate_limited: 429,
  unavailable: 503,
};

const TITLE: Record<ErrorCode, string> = {
  malformed_body: 'Malformed request body',
  unauthorized: 'Missing or invalid API key',
  forbidden: 'API key lacks the required scope',
  not_found: 'Not found',
  conflict: 'Conflict',
  transactional_refusal: 'Transactional email cannot be refused',
  payload_too_large: 'Request body too large',
  unsupported_media_type: 'Unsupported content type',
  invalid_field: 'Invalid field',
  rate_limited: 'Too many requests',
  unavailable: 'Service unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: readonly { path: string; message: string }[];
}

/** Turns anything thrown into a known error. Database uniqueness races become conflicts, not 500s. */
export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new AppError('conflict', 'A concurrent request changed the same record; try again.');
  }
  // A string the database cannot store (NUL in text, 22021; \u0000 in jsonb, 22P05) that got past the
  // edge checks (src/http/json-shape.ts) is still the client's input, not our failure.
  if (code === '22021' || code === '22P05') return new AppError('invalid_field', 'A value contains a character that cannot be stored (NUL).');
  return undefined;
}

/**
 * Middleware: NUL in the query is not a value we take (422, as a field with NUL is). NUL in the path is
 * each route's to answer (an id or key that names nothing is 404): ids are checked for their shape.
 */
export const refuseNul: MiddlewareHandler = async (c, next) => {
  const url = c.req.url;
  const query = url.indexOf('?');
  if (query !== -1 && /%00/i.test(url.slice(query))) return problemResponse(c, invalidField('(query)', 'must not contain NUL'));
  await next();
};

export function problemFor(err: AppError): Problem {
  return {
    type: `https://mailprefs.dev/problems/${err.code.replaceAll('_', '-')}`,
    title: TITLE[err.code],
    status: STATUS[err.code],
    detail: err.detail,
    ...(err.extra.errors && { errors: err.extra.errors }),
  };
}

export function problemResponse(c: Context<AppEnv>, err: AppError): Response {
  const problem = problemFor(err);
  c.set('errorCode', err.code);
  if (err.extra.retryAfterSeconds !== undefined) c.header('Retry-After', String(err.extra.retryAfterSeconds));
  c.header('Content-Type', 'application/problem+json');
  return c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode);
}

/** Logs what was thrown by name, code and frames only (src/core/log-error.ts), under the request's id and route pattern. */
export function logUnexpected(c: Context<AppEnv>, err: unknown): void {
  c.set('errorCode', 'internal');
  c.get('logger').error({
    event: 'unexpected_error',
    requestId: c.get('requestId'),
    method: c.req.method,
    route: c.req.routePath,
    ...describeUnexpectedError(err),
  });
}

export function apiErrorHandler(err: Error, c: Context<AppEnv>): Response {
  const known = toAppError(err);
  if (known) return problemResponse(c, known);
  if (err instanceof HTTPException) {
    const status = err.status;
    const code: ErrorCode = status === 413 ? 'payload_too_large' : status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : 'malformed_body';
    return problemResponse(c, new AppError(code, err.message || TITLE[code]));
  }
  logUnexpected(c, err);
  c.header('Content-Type', 'application/problem+json');
  return c.body(JSON.stringify({ type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'An unexpected error occurred.' }), 500);
}

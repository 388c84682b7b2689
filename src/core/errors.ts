// Every outcome a caller must branch on is one of these codes; the HTTP layer maps each to a
// status in exactly one table (src/http/problem.ts). Domain code throws AppError, never a Response.

export type ErrorCode =
  | 'malformed_body'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'transactional_refusal'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'invalid_field'
  | 'rate_limited'
  | 'unavailable';

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra: { errors?: readonly FieldError[]; retryAfterSeconds?: number } = {},
  ) {
    super(detail);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} was not found.`);
export const conflict = (detail: string) => new AppError('conflict', detail);
export const invalidField = (path: string, message: string) => new AppError('invalid_field', `${path}: ${message}`, { errors: [{ path, message }] });

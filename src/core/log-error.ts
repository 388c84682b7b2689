// What may be logged of an unexpected error without personal data. An error's message can quote the
// input that caused it (PostgreSQL's "invalid input syntax for type …: \"…\"", a driver echoing a value),
// so only its name, code and stack frames are kept, never the message (docs/operations.md "Logs").
export interface ErrorDescription {
  errorName: string;
  errorCode?: string;
  frames: string[];
}

export function describeUnexpectedError(err: unknown): ErrorDescription {
  const errorName = err instanceof Error ? err.name : typeof err;
  const code = (err as { code?: unknown } | null)?.code;
  const frames = err instanceof Error && err.stack ? err.stack.split('\n').flatMap((l) => (/^\s+at /.test(l) ? [l.trim()] : [])) : [];
  return { errorName, ...(typeof code === 'string' && { errorCode: code }), frames };
}

// Logs an unexpected error without personal data. An error's message can quote the input that caused it
// (PostgreSQL's "invalid input syntax for type …: \"…\"", a driver echoing a value), so only its name,
// code and stack frames are written, never the message.
export function logUnexpectedError(where: string, err: unknown): void {
  const name = err instanceof Error ? err.name : typeof err;
  const code = (err as { code?: unknown } | null)?.code;
  const frames =
    err instanceof Error && err.stack
      ? err.stack
          .split('\n')
          .filter((l) => /^\s+at /.test(l))
          .join('\n')
      : '';
  console.error(`unexpected ${name}${typeof code === 'string' ? ` (${code})` : ''} in ${where}${frames ? `\n${frames}` : ''}`);
}

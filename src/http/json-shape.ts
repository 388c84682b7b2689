// What any parsed input must be before a schema, a hash or the database sees it: nested no deeper than
// MAX_DEPTH (a 5,000-deep `data` once overflowed the stack of the request hash), and free of NUL in
// every string and key (PostgreSQL's text refuses U+0000 with error 22021; SQLite would store it, so
// both dialects refuse it here, alike). Walked with a stack of its own: the check cannot overflow.
import { invalidField } from '../core/errors.js';

export const MAX_DEPTH = 32;

function pathOf(parts: readonly (string | number)[]): string {
  return parts.length === 0 ? '(body)' : parts.join('.');
}

export function assertPlainInput(value: unknown): void {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) throw invalidField(pathOf(path), 'must not contain NUL');
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (path.length >= MAX_DEPTH) throw invalidField(pathOf(path.slice(0, 3)), `nested deeper than ${MAX_DEPTH} levels`);
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    for (const [k, child] of entries) {
      if (typeof k === 'string' && k.includes('\u0000')) throw invalidField(pathOf(path), 'a key must not contain NUL');
      stack.push({ value: child, path: [...path, k] });
    }
  }
}

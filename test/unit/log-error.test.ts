import { afterEach, describe, expect, it, vi } from 'vitest';
import { logUnexpectedError } from '../../src/core/log-error.js';

describe('logUnexpectedError', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes the name, code and frames but never the message, which may quote personal data', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    const err = Object.assign(new Error('invalid input syntax for type bigint: "ann@example.com"'), { code: '22P02' });
    logUnexpectedError('GET /v1/things/:id', err);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('unexpected Error (22P02) in GET /v1/things/:id');
    expect(lines[0]).toMatch(/\n\s+at /);
    expect(lines[0]).not.toContain('ann@example.com');
  });
});

import { describe, expect, it } from 'vitest';
import { describeUnexpectedError } from '../../src/core/log-error.js';

describe('describeUnexpectedError', () => {
  it('keeps the name, code and frames but never the message, which may quote personal data', () => {
    const err = Object.assign(new Error('invalid input syntax for type bigint: "ann@example.com"'), { code: '22P02' });
    const described = describeUnexpectedError(err);
    expect(described.errorName).toBe('Error');
    expect(described.errorCode).toBe('22P02');
    expect(described.frames.length).toBeGreaterThan(0);
    expect(described.frames[0]).toMatch(/^at /);
    expect(JSON.stringify(described)).not.toContain('ann@example.com');
  });

  it('describes a thrown non-error by its type', () => {
    expect(describeUnexpectedError('ann@example.com')).toEqual({ errorName: 'string', frames: [] });
  });
});

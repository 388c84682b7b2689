import { describe, expect, it } from 'vitest';
import { isValidEmail, normalizeEmail } from '../../src/core/email.js';

describe('email addresses', () => {
  it('fold case and Unicode composition into one normalised form', () => {
    expect(normalizeEmail('  Ann@Example.COM ')).toBe('ann@example.com');
    expect(normalizeEmail('Ren\u00e9@example.com')).toBe(normalizeEmail('Rene\u0301@example.com'));
  });

  it('accept ordinary addresses and refuse what could break a header', () => {
    for (const ok of ['a@b.co', 'first.last+tag@sub.example.org', 'ren\u00e9@exämple.de']) expect(isValidEmail(ok), ok).toBe(true);
    for (const bad of ['', 'plain', 'a@b', 'a@@b.co', 'a b@c.de', 'a@b.co\r\nBcc: x@y.z', '<a@b.co>', 'a..b@c.de', `${'x'.repeat(250)}@b.co`]) {
      expect(isValidEmail(bad), bad).toBe(false);
    }
  });
});

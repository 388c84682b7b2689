import { describe, expect, it } from 'vitest';
import { checkEmail, displayEmail, isValidEmail, normalizeEmail } from '../../src/core/email.js';
import { ACCEPT, REFUSE } from '../fixtures/addresses/corpus.js';

describe('email addresses', () => {
  it('has a corpus of at least 150 cases', () => {
    expect(ACCEPT.length + REFUSE.length).toBeGreaterThanOrEqual(150);
  });

  it.each(ACCEPT)('accepts %j as %j', (input, canonical) => {
    expect(checkEmail(input)).toEqual({ ok: true, canonical });
    expect(normalizeEmail(input)).toBe(canonical);
  });

  it.each(REFUSE)('refuses %j (%s)', (input) => {
    const checked = checkEmail(input);
    expect(checked.ok).toBe(false);
    expect(isValidEmail(input)).toBe(false);
  });

  it('gives a reason a person can act on', () => {
    const reason = (s: string) => {
      const c = checkEmail(s);
      return c.ok ? '' : c.reason;
    };
    expect(reason('us\u200ber@example.com')).toMatch(/invisible/);
    expect(reason('user\u202e@example.com')).toMatch(/bidirectional/);
    expect(reason('us\ufffder@example.com')).toMatch(/UTF-8/);
    expect(reason('user@example.123')).toMatch(/top-level/);
    expect(reason('.user@example.com')).toMatch(/dot/);
    expect(reason('ｆｗ@example.com')).toMatch(/full-width/);
    expect(reason('us\u0378er@example.com')).toMatch(/unassigned/);
  });

  it('makes one key of every spelling of one mailbox (issue 10)', () => {
    const spellings = ['jan@müller.example', 'jan@xn--mller-kva.example', 'JAN@MÜLLER.EXAMPLE', 'jan@ｍüｌｌｅｒ.example', ' jan@Müller.Example '];
    expect(new Set(spellings.map(normalizeEmail))).toEqual(new Set(['jan@xn--mller-kva.example']));
    expect(normalizeEmail('Ren\u00e9@example.com')).toBe(normalizeEmail('Rene\u0301@example.com'));
  });

  it('shows an A-label domain as the person would type it', () => {
    expect(displayEmail('jan@xn--mller-kva.example')).toBe('jan@müller.example');
    expect(displayEmail('Jan@Müller.example')).toBe('Jan@Müller.example');
    expect(displayEmail('ann@example.com')).toBe('ann@example.com');
    expect(displayEmail('not an address')).toBe('not an address');
  });
});

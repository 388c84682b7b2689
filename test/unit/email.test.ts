import { describe, expect, it } from 'vitest';
import { checkEmail, checkInFull, displayEmail, isValidEmail, normalizeEmail } from '../../src/core/email.js';
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

  it('answers the same with and without the everyday shortcut, for the corpus and 60,000 generated addresses', () => {
    // A fixed-seed generator (mulberry32), so a failure names an input that fails again.
    let seed = 0x5eed;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(s: string | readonly T[]) => s[Math.floor(random() * s.length)]!;
    const alphabet = 'aZ09-._+@xn-X!~`{ \té\u200bA';
    const piece = (max: number) => Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(alphabet)).join('');
    const label = (n: number) => (n <= 1 ? 'a' : `a${'b-'.repeat(n).slice(0, n - 2)}c`);
    const shapes = [
      () => piece(40),
      () => `${piece(20)}@${piece(20)}.${piece(4)}`,
      () => `${'a'.repeat(60 + Math.floor(random() * 8))}@example.com`,
      () => `u@${label(60 + Math.floor(random() * 6))}.${'c'.repeat(1 + Math.floor(random() * 66))}`,
      () => `${'l'.repeat(64)}@${Array.from({ length: 3 + Math.floor(random() * 2) }, () => label(60)).join('.')}.com`,
      () => `User.Name+tag@Sub.${pick(['xn--', 'XN--', 'x-n', ''])}Example.${pick(['COM', 'c0m', 'io', 'x'])}`,
    ];
    const inputs: string[] = [...ACCEPT, ...REFUSE].map((c) => String(c[0]));
    for (let i = 0; i < 60_000; i++) inputs.push(shapes[i % shapes.length]!());
    let everyday = 0;
    const differing: string[] = [];
    for (const input of inputs) {
      const full = checkInFull(input);
      const quick = checkEmail(input);
      if (quick.ok !== full.ok || (quick.ok && full.ok && quick.canonical !== full.canonical)) differing.push(input);
      if (full.ok && full.canonical === input.toLowerCase()) everyday++;
    }
    expect(differing.slice(0, 5)).toEqual([]);
    // The generator reaches both sides: addresses the shortcut may take, and ones it must leave.
    expect(everyday).toBeGreaterThan(6_000);
    expect(inputs.length - everyday).toBeGreaterThan(6_000);
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

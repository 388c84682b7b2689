import { describe, expect, it } from 'vitest';
import { acceptedLanguages, CATALOGS, matchLocale, pickLocale } from '../../src/i18n/index.js';

describe('locale choice', () => {
  it('prefers the recipient locale, then Accept-Language by q, then English', () => {
    expect(pickLocale('de-AT', 'zh-CN')).toBe('de');
    expect(pickLocale(null, 'fr;q=1, zh-CN;q=0.5, de;q=0.7')).toBe('de');
    expect(pickLocale('fr', 'zh;q=0.2')).toBe('zh-CN');
    expect(pickLocale(undefined, undefined)).toBe('en');
    expect(pickLocale('', 'de;q=0, *')).toBe('en');
  });

  it('does not serve Simplified Chinese for Traditional', () => {
    expect(matchLocale('zh-Hans-CN')).toBe('zh-CN');
    expect(matchLocale('zh_SG')).toBe('zh-CN');
    expect(matchLocale('zh-TW')).toBeUndefined();
    expect(matchLocale('zh-Hant')).toBeUndefined();
  });

  it('survives hostile headers, bounded', () => {
    expect(acceptedLanguages('de;q=abc, en;q=0.5')).toEqual(['en']);
    expect(acceptedLanguages(`${'x,'.repeat(100_000)}de`)).toEqual(Array(20).fill('x'));
    expect(pickLocale(null, ';;;,,,q=1\r\n')).toBe('en');
  });

  it('has every message in every catalog, and the same kinds', () => {
    const reference = CATALOGS.en;
    for (const [locale, catalog] of Object.entries(CATALOGS)) {
      expect(Object.keys(catalog).sort(), locale).toEqual(Object.keys(reference).sort());
      for (const [key, value] of Object.entries(catalog)) {
        expect(typeof value, `${locale}.${key}`).toBe(typeof reference[key as keyof typeof reference]);
        const text = typeof value === 'function' ? (value as (...a: unknown[]) => string)('CAT', 'ORG') : value;
        expect(text.length, `${locale}.${key}`).toBeGreaterThan(0);
      }
    }
    expect(CATALOGS.de.unsubscribeHeading('News')).toContain('„News“');
  });
});

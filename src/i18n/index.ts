// Message catalogs for the recipient pages, and choosing one: the recipient's stored locale first,
// then the browser's Accept-Language (RFC 9110 §12.5.4), then English.
import { de } from './de.js';
import { en, type Messages } from './en.js';
import { zhCN } from './zh-cn.js';

export type { Messages };
export type Locale = 'en' | 'de' | 'zh-CN';

export const CATALOGS: Readonly<Record<Locale, Messages>> = { en, de, 'zh-CN': zhCN };

const MAX_RANGES = 20;

/** The catalog for one language tag, if we have one. Traditional Chinese is not Simplified: no match. */
export function matchLocale(tag: string): Locale | undefined {
  const parts = tag.trim().toLowerCase().split(/[-_]/);
  if (parts[0] === 'en') return 'en';
  if (parts[0] === 'de') return 'de';
  if (parts[0] === 'zh') {
    const rest = parts.slice(1);
    if (rest.includes('hant') || rest.some((p) => p === 'tw' || p === 'hk' || p === 'mo')) return undefined;
    return 'zh-CN';
  }
  return undefined;
}

/** Language ranges by preference (highest q first, ties in header order); q=0 means "not this". */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .slice(0, 1000)
    .split(',')
    .slice(0, MAX_RANGES)
    .map((item, index) => {
      const [tag = '', ...params] = item.split(';').map((s) => s.trim());
      const qParam = params.find((p) => p.startsWith('q='));
      const q = qParam ? Number(qParam.slice(2)) : 1;
      return { tag, q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((r) => r.tag && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((r) => r.tag);
}

export function pickLocale(recipientLocale: string | null | undefined, acceptLanguage: string | undefined): Locale {
  for (const tag of [recipientLocale ?? '', ...acceptedLanguages(acceptLanguage)]) {
    const found = tag && matchLocale(tag);
    if (found) return found;
  }
  return 'en';
}

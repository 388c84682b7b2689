// The console's catalogs, chosen like the recipient pages': Accept-Language, then English.
import type { Locale } from '../index.js';
import { de } from './de.js';
import { type ConsoleMessages, en } from './en.js';
import { zhCN } from './zh-cn.js';

export type { ConsoleMessages };
export const CONSOLE_CATALOGS: Readonly<Record<Locale, ConsoleMessages>> = { en, de, 'zh-CN': zhCN };

// Durations for people: the largest unit that keeps the figure readable (0.5 s, 5 min, 6 h, 3 d), in
// the operator's language through Intl's unit formatting, so no catalog needs a word per unit.
import type { Locale } from '../../i18n/index.js';

const UNITS = [
  { unit: 'day', seconds: 86_400 },
  { unit: 'hour', seconds: 3_600 },
  { unit: 'minute', seconds: 60 },
] as const;

/** Formats seconds; `over` words a figure past the largest bucket ("over 3 d"). */
export function durationFormatter(locale: Locale, over: (d: string) => string, largest: number): (seconds: number) => string {
  // A formatter per unit and precision, made once: building one costs more than formatting a year of days.
  const made = new Map<string, Intl.NumberFormat>();
  const fmt = (value: number, unit: string) => {
    const digits = value < 10 ? 1 : 0;
    const key = `${unit}${digits}`;
    let f = made.get(key);
    if (!f) {
      f = new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: digits });
      made.set(key, f);
    }
    return f.format(value);
  };
  const format = (seconds: number): string => {
    if (!Number.isFinite(seconds)) return over(format(largest));
    const u = UNITS.find((x) => seconds >= x.seconds);
    return u ? fmt(seconds / u.seconds, u.unit) : fmt(seconds, 'second');
  };
  return format;
}

/** Axis steps a reader counts in: seconds, minutes, hours, days. */
export const DURATION_STEPS: readonly number[] = [
  0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800,
];

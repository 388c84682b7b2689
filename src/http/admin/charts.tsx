// Charts drawn on the server as SVG: no script, no third-party asset, readable without JavaScript.
// Each is a <figure> whose title names the SVG (role="img") and whose data table follows it, for screen
// readers and for copying (WCAG 2.2 1.1.1: a text alternative that carries the same information).
import type { Child } from 'hono/jsx';

export interface Series {
  name: string;
  values: readonly (number | null)[];
  /** One of the legend classes k1…k7 and its colour. */
  key: 1 | 2 | 3 | 4 | 5 | 6 | 7;
}

const COLOURS = ['', '#1d47c4', '#c2410c', '#0f766e', '#7e22ce', '#a16207', '#be123c', '#4a5468'] as const;
const W = 480;
const H = 200;
const M = { top: 10, right: 10, bottom: 24, left: 44 };

/** A round step (1, 2, 2.5 or 5 × 10^k, or the first of `steps` that is large enough) that divides 0…max into about four parts. */
function niceStep(max: number, steps?: readonly number[]): number {
  const rough = max / 4;
  const given = steps?.find((st) => st >= rough);
  if (given !== undefined) return given;
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= rough) return m * power;
  return 10 * power;
}

/** The axis top: a whole number of round steps at least as large as `max` (and something above zero). */
export function niceMax(max: number, steps?: readonly number[]): number {
  if (!(max > 0)) return steps?.[0] ? steps[0] * 4 : 4;
  const step = niceStep(max, steps);
  return Math.ceil(max / step - 1e-9) * step;
}

function Frame(props: {
  id: string;
  title: string;
  yMax: number;
  steps?: readonly number[] | undefined;
  format: (n: number) => string;
  labels: readonly string[];
  children: Child;
}) {
  const plotH = H - M.top - M.bottom;
  const step = niceStep(props.yMax, props.steps);
  const ticks = Array.from({ length: Math.round(props.yMax / step) + 1 }, (_, i) => (i * step) / props.yMax);
  const n = props.labels.length;
  const xLabels = n <= 1 ? [0] : [0, Math.floor((n - 1) / 2), n - 1];
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${props.id}-title`} focusable="false">
      <title id={`${props.id}-title`}>{props.title}</title>
      {ticks.map((f) => {
        const y = M.top + plotH * (1 - f);
        return (
          <g>
            <line x1={M.left} x2={W - M.right} y1={y} y2={y} stroke="#dde1e8" stroke-width="1" />
            <text x={M.left - 6} y={y + 4} text-anchor="end" font-size="11" fill="#4a5468">
              {props.format(props.yMax * f)}
            </text>
          </g>
        );
      })}
      {xLabels.map((i) => (
        <text x={xOf(i, n)} y={H - 6} text-anchor={i === 0 && n > 1 ? 'start' : i === n - 1 && n > 1 ? 'end' : 'middle'} font-size="11" fill="#4a5468">
          {props.labels[i]?.slice(5) ?? ''}
        </text>
      ))}
      {props.children}
    </svg>
  );
}

function xOf(i: number, n: number): number {
  const plotW = W - M.left - M.right;
  return n <= 1 ? M.left + plotW / 2 : M.left + (plotW * i) / (n - 1);
}

const yOf = (v: number, yMax: number) => M.top + (H - M.top - M.bottom) * (1 - Math.min(v, yMax) / yMax);

function Legend(props: { items: readonly { name: string; key: number; dashed?: boolean }[] }) {
  return (
    <ul class="legend">
      {props.items.map((s) => (
        <li>
          <span class={`k${s.key}`} aria-hidden="true" />
          {s.name}
        </li>
      ))}
    </ul>
  );
}

function DataTable(props: { caption: string; summary: string; head: readonly string[]; rows: readonly (readonly string[])[] }) {
  return (
    <details>
      <summary>{props.summary}</summary>
      <div class="scroll" tabindex={0}>
        <table>
          <caption>{props.caption}</caption>
          <thead>
            <tr>
              {props.head.map((h, i) => (
                <th scope="col" class={i > 0 ? 'num' : undefined}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>{r.map((cell, i) => (i === 0 ? <th scope="row">{cell}</th> : <td class="num">{cell}</td>))}</tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

export interface TimeChartProps {
  id: string;
  title: string;
  /** The first column's heading (the date) and the summary that opens the table. */
  dateHeading: string;
  tableSummary: string;
  labels: readonly string[];
  series: readonly Series[];
  /** `line` joins the days; `bars` stacks the series per day. */
  kind: 'line' | 'bars';
  format: (n: number) => string;
  /** Round steps for the axis in the data's own unit (seconds: a minute, an hour…), smallest first. */
  steps?: readonly number[];
  /** Horizontal reference lines (e.g. a complaint-rate limit). */
  thresholds?: readonly { value: number; label: string }[];
}

export function TimeChart(props: TimeChartProps) {
  const n = props.labels.length;
  const stackTotals = props.labels.map((_, i) => props.series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const peak =
    props.kind === 'bars'
      ? Math.max(0, ...stackTotals)
      : // A figure past the scale (an unbounded bucket) is drawn at the top and written out in the table.
        Math.max(0, ...props.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v))));
  const yMax = niceMax(Math.max(peak, ...(props.thresholds ?? []).map((t) => t.value * 1.25)), props.steps);
  const plotW = W - M.left - M.right;
  const barW = Math.max(1, (plotW / Math.max(n, 1)) * 0.7);
  return (
    <figure class="card chart" aria-labelledby={`${props.id}-caption`}>
      <figcaption id={`${props.id}-caption`}>{props.title}</figcaption>
      <Frame id={props.id} title={props.title} yMax={yMax} steps={props.steps} format={props.format} labels={props.labels}>
        {props.kind === 'bars'
          ? props.labels.map((_, i) => {
              let base = 0;
              const cx = n <= 1 ? M.left + plotW / 2 : M.left + (plotW * (i + 0.5)) / n;
              return props.series.map((s) => {
                const v = s.values[i] ?? 0;
                const y0 = yOf(base, yMax);
                base += v;
                const y1 = yOf(base, yMax);
                return v > 0 ? <rect x={cx - barW / 2} y={y1} width={barW} height={Math.max(0.5, y0 - y1)} fill={COLOURS[s.key]} /> : null;
              });
            })
          : props.series.map((s) => (
              <polyline
                fill="none"
                stroke={COLOURS[s.key]}
                stroke-width="2"
                stroke-linejoin="round"
                points={s.values.map((v, i) => (v === null ? '' : `${xOf(i, n).toFixed(1)},${yOf(v, yMax).toFixed(1)}`)).join(' ')}
              />
            ))}
        {(props.thresholds ?? []).map((t) => (
          <g>
            <line x1={M.left} x2={W - M.right} y1={yOf(t.value, yMax)} y2={yOf(t.value, yMax)} stroke="#a4161a" stroke-width="1.5" stroke-dasharray="5 4" />
            <text x={W - M.right - 2} y={yOf(t.value, yMax) - 4} text-anchor="end" font-size="11" fill="#a4161a">
              {t.label}
            </text>
          </g>
        ))}
      </Frame>
      <Legend items={props.series} />
      <DataTable
        caption={props.title}
        summary={props.tableSummary}
        head={[props.dateHeading, ...props.series.map((s) => s.name)]}
        rows={props.labels.map((d, i) => [d, ...props.series.map((s) => (s.values[i] === null ? '–' : props.format(s.values[i]!)))])}
      />
    </figure>
  );
}

/** One horizontal bar per item, for totals by kind (opt-outs by source). */
export function BarList(props: {
  id: string;
  title: string;
  itemHeading: string;
  valueHeading: string;
  tableSummary: string;
  items: readonly { name: string; value: number }[];
}) {
  const max = niceMax(Math.max(0, ...props.items.map((i) => i.value)));
  const rowH = 26;
  const labelW = 120;
  const height = props.items.length * rowH + 8;
  return (
    <figure class="card chart" aria-labelledby={`${props.id}-caption`}>
      <figcaption id={`${props.id}-caption`}>{props.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${height}`} role="img" aria-labelledby={`${props.id}-title`} focusable="false">
        <title id={`${props.id}-title`}>{props.title}</title>
        {props.items.map((item, i) => {
          const y = 4 + i * rowH;
          const w = ((W - labelW - 60) * item.value) / max;
          return (
            <g>
              <text x={labelW - 8} y={y + 16} text-anchor="end" font-size="12" fill="#172033">
                {item.name}
              </text>
              <rect x={labelW} y={y + 4} width={Math.max(item.value > 0 ? 2 : 0, w)} height={rowH - 10} rx="3" fill={COLOURS[1]} />
              <text x={labelW + w + 6} y={y + 16} font-size="12" fill="#4a5468">
                {String(item.value)}
              </text>
            </g>
          );
        })}
      </svg>
      <DataTable
        caption={props.title}
        summary={props.tableSummary}
        head={[props.itemHeading, props.valueHeading]}
        rows={props.items.map((i) => [i.name, String(i.value)])}
      />
    </figure>
  );
}

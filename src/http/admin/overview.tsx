// Overview: what changed in a period, for one category or all, as server-drawn charts with tables.
import { Hono } from 'hono';
import type { Category } from '../../core/vocabulary.js';
import { loadOverview, OPT_OUT_CHANNELS, type OptOutChannel } from '../../domain/console/overview.js';
import { listCategories } from '../../domain/recipients/categories.js';
import { LATENCY_BOUNDS_S } from '../../domain/webhooks/opt-out-latency.js';
import type { ConsoleMessages } from '../../i18n/console/index.js';
import type { AppEnv } from '../env.js';
import { categoryKey } from '../fields.js';
import { BarList, TimeChart } from './charts.js';
import { DURATION_STEPS, durationFormatter } from './durations.js';
import { adminContext, renderAdmin } from './layout.js';

const PERIODS = [7, 30, 90, 365] as const;
const DAY_MS = 86_400_000;

const channelName = (t: ConsoleMessages, c: OptOutChannel) =>
  ({
    one_click: t.channelOneClick,
    page: t.channelPage,
    api: t.channelApi,
    complaint: t.channelComplaint,
    import: t.channelImport,
    console: t.channelConsole,
    other: t.channelOther,
  })[c];

// An archived category still has its history to chart, but is rarely the one asked about: it goes after
// the categories in use, marked, so nobody reads a retired list's figures as a live one's.
const inUseFirst = (all: readonly Category[]) => [...all.filter((k) => !k.archived), ...all.filter((k) => k.archived)];

export const overviewPages = new Hono<AppEnv>().get('/', async (c) => {
  const a = adminContext(c);
  const { t } = a;
  const days = PERIODS.find((p) => String(p) === c.req.query('days')) ?? 30;
  const wanted = c.req.query('category');
  const category = wanted && categoryKey.safeParse(wanted).success ? wanted : undefined;
  const today = new Date();
  const to = today.toISOString().slice(0, 10);
  const from = new Date(today.getTime() - (days - 1) * DAY_MS).toISOString().slice(0, 10);
  const [overview, categories] = await Promise.all([loadOverview(c.var.deps.db, { from, to, category }), listCategories(c.var.deps.db)]);
  const count = new Intl.NumberFormat(a.locale);
  const percent = new Intl.NumberFormat(a.locale, { style: 'percent', maximumFractionDigits: 2 });
  const pct = (v: number | null) => (v === null ? '–' : percent.format(v));
  const duration = durationFormatter(a.locale, t.latencyOver, LATENCY_BOUNDS_S.at(-1)!);
  const labels = overview.days.map((d) => d.date);
  const common = { dateHeading: t.dateHeading, tableSummary: t.tableSummary, labels };
  const stats: [string, string][] = [
    [t.statOptIns, count.format(overview.totals.optIns)],
    [t.statOptOuts, count.format(overview.totals.optOuts)],
    [t.statSent, count.format(overview.totals.sent)],
    [t.statFailed, count.format(overview.totals.failed)],
    [t.statBounceRate, pct(overview.totals.bounceRate)],
    [t.statComplaintRate, pct(overview.totals.complaintRate)],
    [t.statWebhookP90, overview.totals.webhookP90 === null ? '–' : duration(overview.totals.webhookP90)],
  ];
  return renderAdmin(
    c,
    a,
    { title: t.navOverview, section: 'overview' },
    <>
      <h1>{t.navOverview}</h1>
      <form method="get" class="row" action={a.base}>
        <div>
          <label for="days">{t.periodLabel}</label>
          <select id="days" name="days">
            {PERIODS.map((p) => (
              <option value={String(p)} selected={p === days}>
                {t.periodDays(p)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="category">{t.categoryLabel}</label>
          <select id="category" name="category">
            <option value="">{t.allCategories}</option>
            {inUseFirst(categories).map((k) => (
              <option value={k.key} selected={k.key === category}>
                {k.archived ? `${k.name} (${t.stateArchived})` : k.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <button type="submit" class="secondary">
            {t.showButton}
          </button>
        </div>
      </form>
      <p class="muted">{t.periodRange(from, to)}</p>
      <ul class="stats">
        {stats.map(([label, value]) => (
          <li>
            <span class="n">{value}</span>
            <span class="l">{label}</span>
          </li>
        ))}
      </ul>
      <div class="grid">
        <TimeChart
          {...common}
          id="chart-optins"
          title={t.chartOptInsOuts}
          kind="line"
          format={(n) => count.format(Math.round(n))}
          series={[
            { name: t.statOptIns, key: 3, values: overview.days.map((d) => d.optIns) },
            { name: t.statOptOuts, key: 2, values: overview.days.map((d) => d.optOuts) },
          ]}
        />
        <BarList
          id="chart-sources"
          title={t.chartOptOutsBySource}
          itemHeading={t.sourceHeading}
          valueHeading={t.countHeading}
          tableSummary={t.tableSummary}
          items={OPT_OUT_CHANNELS.map((ch) => ({ name: channelName(t, ch), value: overview.optOutsByChannel[ch] }))}
        />
        <TimeChart
          {...common}
          id="chart-rates"
          title={t.chartRates}
          kind="line"
          format={(n) => percent.format(n)}
          thresholds={[
            { value: 0.001, label: t.limitRecommended },
            { value: 0.003, label: t.limitMax },
          ]}
          series={[
            { name: t.statBounceRate, key: 4, values: overview.days.map((d) => d.bounceRate) },
            { name: t.statComplaintRate, key: 6, values: overview.days.map((d) => d.complaintRate) },
          ]}
        />
        <TimeChart
          {...common}
          id="chart-notices"
          title={t.chartNotices}
          kind="bars"
          format={(n) => count.format(Math.round(n))}
          series={[
            { name: t.statSent, key: 1, values: overview.days.map((d) => d.sent) },
            { name: t.statFailed, key: 6, values: overview.days.map((d) => d.failed) },
          ]}
        />
        <TimeChart
          {...common}
          id="chart-webhooks"
          title={t.chartWebhookLatency}
          kind="line"
          format={duration}
          steps={DURATION_STEPS}
          series={[
            { name: t.latencyP50, key: 3, values: overview.days.map((d) => d.webhookP50) },
            { name: t.latencyP90, key: 5, values: overview.days.map((d) => d.webhookP90) },
          ]}
        />
      </div>
    </>,
  );
});

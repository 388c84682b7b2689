// Every migration, in order, imported statically: no run-time folder scanning, so the set is the same
// under tsx, vitest and a bundler. Names start with a date and never change once released.
import type { Migration } from 'kysely';
import * as core from './2026-11-23-0001-core.js';
import * as pages from './2026-11-23-0002-pages.js';
import * as notices from './2026-11-23-0003-notices.js';
import * as privacy from './2026-11-23-0004-privacy.js';
import * as broadcasts from './2026-11-23-0005-broadcasts.js';
import * as retention from './2026-11-23-0006-retention.js';
import * as selfservice from './2026-11-23-0007-selfservice.js';
import * as confirmationOutbox from './2026-12-01-0010-confirmation-outbox.js';
import * as stepUps from './2026-12-01-0020-step-ups.js';
import * as providerBudget from './2026-12-01-0030-provider-budget.js';
import * as dailyStats from './2026-12-01-0040-daily-stats.js';
import * as webhooks from './2026-12-01-0041-webhooks.js';
import * as operators from './2026-12-01-0050-operators.js';
import * as categoryArchive from './2026-12-01-0070-category-archive.js';
import * as operatorSignIn from './2026-12-01-0071-operator-sign-in.js';
import * as webhookLatencyCounted from './2026-12-01-0075-webhook-latency-counted.js';
import * as eventTraceColumns from './2026-12-01-0085-event-trace-columns.js';
import * as mailJobs from './2026-12-01-0095-mail-jobs.js';

export const migrations: Record<string, Migration> = {
  '2026-11-23-0001-core': core,
  '2026-11-23-0002-pages': pages,
  '2026-11-23-0003-notices': notices,
  '2026-11-23-0004-privacy': privacy,
  '2026-11-23-0005-broadcasts': broadcasts,
  '2026-11-23-0006-retention': retention,
  '2026-11-23-0007-selfservice': selfservice,
  '2026-12-01-0010-confirmation-outbox': confirmationOutbox,
  '2026-12-01-0020-step-ups': stepUps,
  '2026-12-01-0030-provider-budget': providerBudget,
  '2026-12-01-0040-daily-stats': dailyStats,
  '2026-12-01-0041-webhooks': webhooks,
  '2026-12-01-0050-operators': operators,
  '2026-12-01-0070-category-archive': categoryArchive,
  '2026-12-01-0071-operator-sign-in': operatorSignIn,
  '2026-12-01-0075-webhook-latency-counted': webhookLatencyCounted,
  '2026-12-01-0085-event-trace-columns': eventTraceColumns,
  '2026-12-01-0095-mail-jobs': mailJobs,
};

// What sending needs at run time: the compiled templates, a transport and the dispatcher that coalesces
// ready notices into provider calls. Built once per process by the entry points (or by createApp when
// none is given), never a module-level singleton.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { createFifoGate, type FifoGate } from '../../core/fifo-gate.js';
import type { Database } from '../../db/schema.js';
import type { Telemetry } from '../operations/telemetry.js';
import { createNoticeDispatcher, type NoticeDispatcher } from './dispatcher.js';
import { createOutboxTransport } from './outbox-transport.js';
import { sharedProviderBudget } from './provider-budget.js';
import { createResendTransport } from './resend-transport.js';
import { createTemplateStore, type TemplateStore } from './template-store.js';
import type { Transport } from './transport.js';

export interface NoticeRuntime {
  readonly templates: TemplateStore;
  readonly transport: Transport;
  /** The process's dispatcher; without one, each send makes its own calls (scripts, tests of a transport). */
  readonly dispatcher?: NoticeDispatcher;
  /** Where notice outcomes, provider calls and their eligibility decisions are reported; none when absent. */
  readonly telemetry?: Telemetry;
  /** Lets a few sends record their notices at once, first come first served (dispatch.ts). */
  readonly preparing?: FifoGate;
}

// Enough to keep the database busy (PostgreSQL's pool is 10) without letting a crowd interleave.
const PREPARING_AT_ONCE = 8;

// templates/ is read from disk at run time (edited live in development), beside package.json. This module
// runs from src/ under tsx and from dist/src/ once built, so the package root is found, not counted.
function packageRoot(from: string): string {
  const up = dirname(from);
  if (existsSync(join(from, 'package.json'))) return from;
  if (up === from) throw new Error('mailprefs: no package.json above the notices module');
  return packageRoot(up);
}

export const TEMPLATES_DIR = join(packageRoot(dirname(fileURLToPath(import.meta.url))), 'templates');

export function createNoticeRuntime(config: Config, db: Kysely<Database>, overrides: Partial<NoticeRuntime> = {}): NoticeRuntime {
  const templates = overrides.templates ?? createTemplateStore({ dir: TEMPLATES_DIR, publicUrl: config.publicUrl, watch: !config.production });
  // Retries take their slots from the same shared budget as first attempts.
  const budget = sharedProviderBudget(db, config.resendMaxRps);
  const transport =
    overrides.transport ??
    (config.resendApiKey
      ? createResendTransport({ apiKey: config.resendApiKey, baseUrl: config.resendBaseUrl, maxRequestsPerSecond: config.resendMaxRps, pace: budget.take })
      : createOutboxTransport(db));
  const given = { ...(overrides.dispatcher && { dispatcher: overrides.dispatcher }), ...(overrides.telemetry && { telemetry: overrides.telemetry }) };
  return withDispatcher({ templates, transport, ...given }, db, config);
}

/** The runtime with a dispatcher of its own, paced by the shared budget when it talks to Resend. */
export function withDispatcher(runtime: NoticeRuntime, db: Kysely<Database>, config: Config): NoticeRuntime {
  const preparing = runtime.preparing ?? createFifoGate(PREPARING_AT_ONCE);
  if (runtime.dispatcher) return { ...runtime, preparing };
  const budget = runtime.transport.name === 'resend' ? sharedProviderBudget(db, config.resendMaxRps) : undefined;
  return { ...runtime, preparing, dispatcher: createNoticeDispatcher(db, runtime.transport, { budget, telemetry: runtime.telemetry }) };
}

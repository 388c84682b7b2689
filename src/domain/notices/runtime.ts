// What sending needs at run time: the compiled templates and a transport. Built once per process by
// the entry points (or by createApp when none is given), never a module-level singleton.
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import type { Database } from '../../db/schema.js';
import { createOutboxTransport } from './outbox-transport.js';
import { createResendTransport } from './resend-transport.js';
import { createTemplateStore, type TemplateStore } from './template-store.js';
import type { Transport } from './transport.js';

export interface NoticeRuntime {
  readonly templates: TemplateStore;
  readonly transport: Transport;
}

export const TEMPLATES_DIR = fileURLToPath(new URL('../../../templates', import.meta.url));

export function createNoticeRuntime(config: Config, db: Kysely<Database>, overrides: Partial<NoticeRuntime> = {}): NoticeRuntime {
  const templates = overrides.templates ?? createTemplateStore({ dir: TEMPLATES_DIR, publicUrl: config.publicUrl, watch: !config.production });
  const transport =
    overrides.transport ??
    (config.resendApiKey
      ? createResendTransport({ apiKey: config.resendApiKey, baseUrl: config.resendBaseUrl, maxRequestsPerSecond: config.resendMaxRps })
      : createOutboxTransport(db));
  return { templates, transport };
}

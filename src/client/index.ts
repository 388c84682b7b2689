// `mailprefs/client`: a thin typed client for the /v1 API (docs/api.md; GET /openapi.json describes the
// same routes). Problems come back as MailprefsError; NDJSON answers as async iterators.
import type { Category, Recipient } from '../core/vocabulary.js';
import type { LedgerEntry } from '../domain/consent/ledger-history.js';
import type { ImportSummary, RowResult } from '../domain/imports/import-row.js';
import type { StatsSeries } from '../domain/stats/daily-stats.js';
import type { WebhookDelivery } from '../domain/webhooks/deliveries.js';
import type { WebhookEndpoint } from '../domain/webhooks/endpoints.js';
import { MailprefsError, ndjson, problemOf } from './problem.js';

export type { Problem } from './problem.js';
export type { Category, ImportSummary, LedgerEntry, Recipient, RowResult, StatsSeries, WebhookDelivery, WebhookEndpoint };
export { MailprefsError };

export interface Page<T> {
  data: T[];
  next: string | null;
}
export interface Eligibility {
  email: string;
  category: string;
  eligible: boolean;
  reason: string;
}
export interface Suppression {
  id: string;
  email: string | null;
  reason: 'hard_bounce' | 'complaint' | 'manual' | 'erased';
  note: string | null;
  createdAt: string;
}
type Query = Record<string, string | number | boolean | undefined>;
type Status = 'subscribed' | 'unsubscribed';

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
}

export function createClient(opts: ClientOptions) {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const doFetch = opts.fetch ?? fetch;
  const url = (path: string, query?: Query) => {
    const q = Object.entries(query ?? {}).filter(([, v]) => v !== undefined);
    return `${base}${path}${q.length ? `?${new URLSearchParams(q.map(([k, v]) => [k, String(v)]))}` : ''}`;
  };
  const send = async (method: string, path: string, init: { query?: Query; json?: unknown; body?: BodyInit; type?: string } = {}): Promise<Response> => {
    const headers: Record<string, string> = { authorization: `Bearer ${opts.apiKey}` };
    let body = init.body;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.type) headers['content-type'] = init.type;
    const res = await doFetch(url(path, init.query), { method, headers, body, ...(body instanceof ReadableStream && { duplex: 'half' }) } as RequestInit);
    if (!res.ok) throw await problemOf(res);
    return res;
  };
  const json = async <T>(method: string, path: string, init?: Parameters<typeof send>[2]): Promise<T> => (await send(method, path, init)).json() as Promise<T>;
  const none = async (method: string, path: string) => {
    await (await send(method, path)).body?.cancel();
  };
  const ref = (r: string) => encodeURIComponent(r);

  return {
    categories: {
      create: (c: {
        key: string;
        name: string;
        kind: 'marketing' | 'transactional';
        description?: string;
        consent?: 'opt_in' | 'opt_out';
        doubleOptIn?: boolean;
      }) => json<Category>('POST', '/v1/categories', { json: c }),
      list: () => json<{ data: Category[] }>('GET', '/v1/categories'),
      update: (key: string, patch: { name?: string; description?: string | null; consent?: 'opt_in' | 'opt_out'; doubleOptIn?: boolean; archived?: boolean }) =>
        json<Category>('PATCH', `/v1/categories/${ref(key)}`, { json: patch }),
    },
    recipients: {
      put: (r: {
        email: string;
        externalId?: string | null;
        locale?: string | null;
        subscriptions?: Record<string, Status>;
        consent?: Record<string, string>;
      }) => json<Recipient>('PUT', '/v1/recipients', { json: r }),
      get: (r: string) => json<Recipient & { eligibility: Record<string, { eligible: boolean; reason: string }> }>('GET', `/v1/recipients/${ref(r)}`),
      patch: (
        r: string,
        p: { email?: string; externalId?: string | null; locale?: string | null; marketingOptOut?: boolean; subscriptions?: Record<string, Status> },
      ) => json<Recipient>('PATCH', `/v1/recipients/${ref(r)}`, { json: p }),
      list: (q: { after?: string; limit?: number; q?: string; category?: string; status?: string } = {}) =>
        json<Page<Recipient>>('GET', '/v1/recipients', { query: q }),
      events: (r: string) => json<{ data: unknown[] }>('GET', `/v1/recipients/${ref(r)}/events`),
      export: (r: string) => json<Record<string, unknown>>('GET', `/v1/recipients/${ref(r)}/export`),
      erase: (r: string) => none('DELETE', `/v1/recipients/${ref(r)}`),
    },
    events: {
      list: (q: { after?: string; limit?: number; type?: string; category?: string; source?: string; since?: string; until?: string } = {}) =>
        json<Page<LedgerEntry>>('GET', '/v1/events', { query: q }),
    },
    stats: (q: { from: string; to: string; category?: string }) => json<StatsSeries>('GET', '/v1/stats', { query: q }),
    suppressions: {
      add: (s: { email: string; reason: 'manual' | 'hard_bounce' | 'complaint'; note?: string }) => json<Suppression>('POST', '/v1/suppressions', { json: s }),
      list: (q: { after?: string; limit?: number } = {}) => json<Page<Suppression>>('GET', '/v1/suppressions', { query: q }),
      lift: (email: string) => none('DELETE', `/v1/suppressions/${ref(email)}`),
    },
    eligibility: {
      check: (email: string, category: string) => json<Eligibility>('GET', '/v1/eligibility', { query: { email, category } }),
      checkMany: (category: string, emails: string[]) =>
        json<{ category: string; results: Omit<Eligibility, 'category'>[] }>('POST', '/v1/eligibility', { json: { category, emails } }),
      /** Unbounded: the addresses are streamed up as NDJSON and the answers come back as they are decided. */
      stream: async function* (category: string, emails: AsyncIterable<string> | Iterable<string>): AsyncGenerator<Omit<Eligibility, 'category'>> {
        const encoder = new TextEncoder();
        const body = new ReadableStream<Uint8Array>({
          async start(ctl) {
            ctl.enqueue(encoder.encode(`${JSON.stringify({ category })}\n`));
            for await (const e of emails) ctl.enqueue(encoder.encode(`${JSON.stringify(e)}\n`));
            ctl.close();
          },
        });
        yield* ndjson(await send('POST', '/v1/eligibility', { body, type: 'application/x-ndjson' }));
      },
    },
    links: (l: { recipient: string; category: string; verified?: boolean }) => json<Record<string, unknown>>('POST', '/v1/links', { json: l }),
    notices: {
      send: (n: { to: string; category: string; template: string; data?: Record<string, unknown>; idempotencyKey?: string }) =>
        json<{ id: string; status: string; providerId?: string; reason?: string }>('POST', '/v1/notices', { json: n }),
      batch: (b: { category: string; template: string; recipients: { to: string; data?: Record<string, unknown> }[] }) =>
        json<Record<string, unknown>>('POST', '/v1/notices/batch', { json: b }),
      get: (id: string) => json<Record<string, unknown>>('GET', `/v1/notices/${ref(id)}`),
    },
    templates: {
      list: () => json<{ data: unknown[] }>('GET', '/v1/templates'),
      preview: (name: string, data?: Record<string, unknown>) =>
        json<{ subject: string; html: string; text: string }>('POST', `/v1/templates/${ref(name)}/preview`, { json: { data } }),
    },
    broadcasts: {
      create: (b: { category: string; template: string; data?: Record<string, unknown>; idempotencyKey?: string }) =>
        json<Record<string, unknown>>('POST', '/v1/broadcasts', { json: b }),
      list: (q: { after?: string; limit?: number } = {}) => json<Page<Record<string, unknown>>>('GET', '/v1/broadcasts', { query: q }),
      get: (id: string) => json<Record<string, unknown>>('GET', `/v1/broadcasts/${ref(id)}`),
    },
    ledgerHead: () => json<{ seq: number; hash: string; at: string }>('GET', '/v1/ledger/head'),
    imports: {
      /** Sends CSV or NDJSON and yields each row's result, then the summary. */
      run: async function* (
        body: BodyInit,
        type: 'text/csv' | 'application/x-ndjson',
        q: { dryRun?: boolean } = {},
      ): AsyncGenerator<RowResult | ImportSummary> {
        yield* ndjson(await send('POST', '/v1/imports', { body, type, query: q }));
      },
    },
    webhookEndpoints: {
      create: (e: { url: string; events?: string[]; description?: string }) =>
        json<WebhookEndpoint & { secret: string }>('POST', '/v1/webhook-endpoints', { json: e }),
      list: () => json<{ data: WebhookEndpoint[] }>('GET', '/v1/webhook-endpoints'),
      get: (id: string) => json<WebhookEndpoint>('GET', `/v1/webhook-endpoints/${ref(id)}`),
      update: (id: string, p: { url?: string; events?: string[] | null; description?: string | null; enabled?: boolean }) =>
        json<WebhookEndpoint>('PATCH', `/v1/webhook-endpoints/${ref(id)}`, { json: p }),
      delete: (id: string) => none('DELETE', `/v1/webhook-endpoints/${ref(id)}`),
      rotateSecret: (id: string) => json<{ secret: string }>('POST', `/v1/webhook-endpoints/${ref(id)}/rotate-secret`),
      deliveries: (id: string, q: { after?: string; limit?: number; status?: string } = {}) =>
        json<Page<WebhookDelivery>>('GET', `/v1/webhook-endpoints/${ref(id)}/deliveries`, { query: q }),
      retry: (id: string, deliveryId: string) => json<WebhookDelivery>('POST', `/v1/webhook-endpoints/${ref(id)}/deliveries/${ref(deliveryId)}/retry`),
    },
  };
}

export type MailprefsClient = ReturnType<typeof createClient>;

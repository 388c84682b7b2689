// `mailprefs/client`: a thin typed client for the /v1 API (docs/api.md; GET /openapi.json describes the
// same routes). Its types come from the schemas the server validates requests with and describes its
// answers with (src/http/*.ts, src/http/openapi/responses.ts), as type-only imports: nothing of the
// server is loaded. Problems come back as MailprefsError; NDJSON answers as async iterators.
import type { z } from 'zod';
import type { ImportSummary, RowResult } from '../domain/imports/import-row.js';
import type { NewBroadcast } from '../http/broadcasts.js';
import type { CategoryPatch, NewCategory } from '../http/categories.js';
import type { EventsQuery } from '../http/events.js';
import type { LinksRequest } from '../http/links.js';
import type { BatchBody, NoticeBody, NoticesQuery } from '../http/notices.js';
import type * as R from '../http/openapi/responses.js';
import type { ListQuery, RecipientPatch, RecipientPut } from '../http/recipients.js';
import type { StatsQuery } from '../http/stats.js';
import type { NewSuppression } from '../http/suppressions.js';
import type { DeliveriesQuery, EndpointPatch, NewEndpoint } from '../http/webhook-endpoints.js';
import { MailprefsError, ndjson, problemOf } from './problem.js';

export type { Problem } from './problem.js';
export { MailprefsError };

type Out<S extends z.ZodType> = z.output<S>;
type In<S extends z.ZodType> = z.input<S>;
/** A route's query parameters, named as its schema names them; numbers and booleans are sent as text. */
type QueryOf<S extends z.ZodType> = { [K in keyof In<S>]?: In<S>[K] | number | boolean };

export type Category = Out<typeof R.Category>;
export type Recipient = Out<typeof R.Recipient>;
export type RecipientWithEligibility = Out<typeof R.RecipientWithEligibility>;
export type RecipientEvent = Out<typeof R.RecipientEvent>;
export type RecipientExport = Out<typeof R.RecipientExport>;
export type LedgerEntry = Out<typeof R.Event>;
export type Suppression = Out<typeof R.Suppression>;
export type Eligibility = Out<typeof R.Eligibility>;
export type Links = Out<typeof R.Links>;
export type NoticeResult = Out<typeof R.NoticeResult>;
export type NoticeView = Out<typeof R.NoticeView>;
export type NoticeListItem = Out<typeof R.NoticeListItem>;
export type TemplateInfo = Out<typeof R.TemplateInfo>;
export type RenderedEmail = Out<typeof R.RenderedEmail>;
export type Broadcast = Out<typeof R.Broadcast>;
export type LedgerHead = Out<typeof R.LedgerHead>;
export type StatsSeries = Out<typeof R.Stats>;
export type WebhookEndpoint = Out<typeof R.WebhookEndpoint>;
export type WebhookDelivery = Out<typeof R.WebhookDelivery>;
export type { ImportSummary, RowResult };

export interface Page<T> {
  data: T[];
  next: string | null;
}
type Query = Record<string, string | number | boolean | undefined>;

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
      create: (c: In<typeof NewCategory>) => json<Category>('POST', '/v1/categories', { json: c }),
      list: () => json<{ data: Category[] }>('GET', '/v1/categories'),
      update: (key: string, patch: In<typeof CategoryPatch>) => json<Category>('PATCH', `/v1/categories/${ref(key)}`, { json: patch }),
    },
    recipients: {
      put: (r: In<typeof RecipientPut>) => json<Recipient>('PUT', '/v1/recipients', { json: r }),
      get: (r: string) => json<RecipientWithEligibility>('GET', `/v1/recipients/${ref(r)}`),
      patch: (r: string, p: In<typeof RecipientPatch>) => json<Recipient>('PATCH', `/v1/recipients/${ref(r)}`, { json: p }),
      list: (q: QueryOf<typeof ListQuery> = {}) => json<Page<Recipient>>('GET', '/v1/recipients', { query: q }),
      events: (r: string) => json<{ data: RecipientEvent[] }>('GET', `/v1/recipients/${ref(r)}/events`),
      export: (r: string) => json<RecipientExport>('GET', `/v1/recipients/${ref(r)}/export`),
      erase: (r: string) => none('DELETE', `/v1/recipients/${ref(r)}`),
    },
    events: {
      list: (q: QueryOf<typeof EventsQuery> = {}) => json<Page<LedgerEntry>>('GET', '/v1/events', { query: q }),
    },
    stats: (q: QueryOf<typeof StatsQuery> & { from: string; to: string }) => json<StatsSeries>('GET', '/v1/stats', { query: q }),
    suppressions: {
      add: (s: In<typeof NewSuppression>) => json<Suppression>('POST', '/v1/suppressions', { json: s }),
      list: (q: { after?: string; limit?: number } = {}) => json<Page<Suppression>>('GET', '/v1/suppressions', { query: q }),
      lift: (email: string) => none('DELETE', `/v1/suppressions/${ref(email)}`),
    },
    eligibility: {
      check: (email: string, category: string) => json<Eligibility>('GET', '/v1/eligibility', { query: { email, category } }),
      checkMany: (category: string, emails: string[]) => json<Out<typeof R.BulkEligibility>>('POST', '/v1/eligibility', { json: { category, emails } }),
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
    links: (l: In<typeof LinksRequest>) => json<Links>('POST', '/v1/links', { json: l }),
    notices: {
      send: (n: In<typeof NoticeBody>) => json<NoticeResult>('POST', '/v1/notices', { json: n }),
      batch: (b: In<typeof BatchBody>) => json<Out<typeof R.NoticeBatch>>('POST', '/v1/notices/batch', { json: b }),
      list: (q: QueryOf<typeof NoticesQuery> = {}) => json<Page<NoticeListItem>>('GET', '/v1/notices', { query: q }),
      get: (id: string) => json<NoticeView>('GET', `/v1/notices/${ref(id)}`),
    },
    templates: {
      list: () => json<{ data: TemplateInfo[] }>('GET', '/v1/templates'),
      preview: (name: string, data?: Record<string, unknown>) => json<RenderedEmail>('POST', `/v1/templates/${ref(name)}/preview`, { json: { data } }),
    },
    broadcasts: {
      create: (b: In<typeof NewBroadcast>) => json<Broadcast>('POST', '/v1/broadcasts', { json: b }),
      list: (q: { after?: string; limit?: number } = {}) => json<Page<Broadcast>>('GET', '/v1/broadcasts', { query: q }),
      get: (id: string) => json<Broadcast>('GET', `/v1/broadcasts/${ref(id)}`),
    },
    ledgerHead: () => json<LedgerHead>('GET', '/v1/ledger/head'),
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
      create: (e: In<typeof NewEndpoint>) => json<Out<typeof R.NewWebhookEndpoint>>('POST', '/v1/webhook-endpoints', { json: e }),
      list: () => json<{ data: WebhookEndpoint[] }>('GET', '/v1/webhook-endpoints'),
      get: (id: string) => json<WebhookEndpoint>('GET', `/v1/webhook-endpoints/${ref(id)}`),
      update: (id: string, p: In<typeof EndpointPatch>) => json<WebhookEndpoint>('PATCH', `/v1/webhook-endpoints/${ref(id)}`, { json: p }),
      delete: (id: string) => none('DELETE', `/v1/webhook-endpoints/${ref(id)}`),
      rotateSecret: (id: string) => json<{ secret: string }>('POST', `/v1/webhook-endpoints/${ref(id)}/rotate-secret`),
      deliveries: (id: string, q: QueryOf<typeof DeliveriesQuery> = {}) =>
        json<Page<WebhookDelivery>>('GET', `/v1/webhook-endpoints/${ref(id)}/deliveries`, { query: q }),
      retry: (id: string, deliveryId: string) => json<WebhookDelivery>('POST', `/v1/webhook-endpoints/${ref(id)}/deliveries/${ref(deliveryId)}/retry`),
    },
  };
}

export type MailprefsClient = ReturnType<typeof createClient>;

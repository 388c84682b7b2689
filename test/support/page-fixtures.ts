// Shared set-up for the page tests: categories, a recipient, and helpers to post forms as a browser would.
import { listEventsOfRecipient } from '../../src/db/consent-events.js';
import { findRecipient } from '../../src/db/recipients.js';
import type { Mailer as SystemMail } from '../../src/domain/notices/mailer.js';
import { upsertRecipient } from '../../src/domain/recipients/recipients.js';
import type { TestDialect } from './dialects.js';
import { type Harness, makeHarness } from './harness.js';

export const ORIGIN = 'https://prefs.example.test';

export const CATEGORIES = [
  { key: 'newsletter', name: 'Weekly newsletter', description: 'Our best stories, every Friday.', kind: 'marketing' },
  { key: 'offers', name: 'Offers', description: 'Discounts and early access.', kind: 'marketing', consent: 'opt_out' },
  { key: 'events', name: 'Events', description: 'Invitations to tastings and talks near you.', kind: 'marketing', doubleOptIn: true },
  { key: 'receipts', name: 'Receipts', description: 'A receipt for every purchase.', kind: 'transactional' },
] as const;

/** A harness with the categories above and, if given, a recording SystemMail. */
export async function seededHarness(dialect: TestDialect, env: Record<string, string> = {}, mail?: SystemMail): Promise<Harness> {
  const h = await makeHarness(dialect, env, mail ? { systemMail: mail } : {});
  for (const body of CATEGORIES) {
    const res = await h.request('POST', '/v1/categories', { body });
    if (res.status !== 201) throw new Error(`seeding ${body.key}: ${res.status}`);
  }
  return h;
}

/** A recipient created through the domain (this branch has no recipients API), subscribed as given. */
export async function addRecipient(
  h: Harness,
  email: string,
  subscriptions: Record<string, 'subscribed' | 'unsubscribed'> = {},
  locale?: string,
): Promise<string> {
  const { recipient } = await upsertRecipient(h.handle.db, h.config.hashKey, { email, subscriptions, locale }, { source: 'api', actor: 'system' });
  return recipient.id;
}

export async function linksFor(
  h: Harness,
  recipient: string,
  category: string,
  opts: { verified?: boolean } = {},
): Promise<{ preferencesUrl: string; unsubscribeUrl?: string; oneClickUrl?: string; preferencesUrlExpiresAt?: string }> {
  const res = await h.request('POST', '/v1/links', { body: { recipient, category, ...(opts.verified && { verified: true }) } });
  if (res.status !== 200) throw new Error(`links: ${res.status} ${await res.text()}`);
  return res.json();
}

export const pathOf = (url: string) => new URL(url).pathname;

/** A form post as the page's own form sends it: urlencoded, same origin. */
export function postForm(h: Harness, path: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<Response> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  return Promise.resolve(
    h.app.request(path, {
      method: 'POST',
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, ...headers },
    }),
  );
}

export async function stateOf(h: Harness, recipientId: string) {
  const r = await findRecipient(h.handle.db, { by: 'id', value: recipientId });
  return { optOut: r?.marketingOptOut, subs: Object.fromEntries(Object.entries(r?.subscriptions ?? {}).map(([k, s]) => [k, s.status])) };
}

export const eventsOf = (h: Harness, recipientId: string) => listEventsOfRecipient(h.handle.db, recipientId);

export function recordingMail() {
  const sent: { kind: 'link' | 'confirm' | 'email_change' | 'step_up'; recipientId: string; url: string; category?: string; to?: string; action?: string }[] =
    [];
  const mail: SystemMail = {
    sendPreferencesLink: async (recipientId, url) => void sent.push({ kind: 'link', recipientId, url: url() }),
    sendConfirmation: async (recipientId, category, url) => void sent.push({ kind: 'confirm', recipientId, url: url(), category }),
    sendEmailChangeLink: async (recipientId, to, url) => void sent.push({ kind: 'email_change', recipientId, url, to }),
    sendStepUpLink: async (recipientId, action, url) => void sent.push({ kind: 'step_up', recipientId, url, action }),
  };
  return { sent, mail };
}

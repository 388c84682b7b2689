// The client's types are z.output of the response schemas the document is made from; this checks, at
// compile time (npm run typecheck), that what the domain returns fits them, so a field added to an
// answer without its schema fails the build, not only the live check in client.test.ts.
import { expect, it } from 'vitest';
import type * as C from '../../src/client/index.js';
import type { Category, Recipient } from '../../src/core/vocabulary.js';
import type { BroadcastView } from '../../src/domain/broadcasts/broadcasts.js';
import type { LedgerEntry, RecipientEvent } from '../../src/domain/consent/ledger-history.js';
import type { LedgerHead } from '../../src/domain/consent/ledger-verify.js';
import type { RecipientWithEligibility } from '../../src/domain/eligibility/recipient-eligibility.js';
import type { EmailLinks } from '../../src/domain/links/email-links.js';
import type { NoticeResult } from '../../src/domain/notices/delivery-records.js';
import type { RenderedEmail } from '../../src/domain/notices/render.js';
import type { getNoticeView, listNoticeViews } from '../../src/domain/notices/send-notices.js';
import type { StatsSeries } from '../../src/domain/stats/daily-stats.js';
import type { WebhookDelivery } from '../../src/domain/webhooks/deliveries.js';
import type { WebhookEndpoint } from '../../src/domain/webhooks/endpoints.js';

type Fits<A, B> = [A] extends [B] ? true : false;
const fits = {
  category: true satisfies Fits<Category, C.Category>,
  recipient: true satisfies Fits<Recipient, C.Recipient>,
  withEligibility: true satisfies Fits<RecipientWithEligibility, C.RecipientWithEligibility>,
  recipientEvent: true satisfies Fits<RecipientEvent, C.RecipientEvent>,
  ledgerEntry: true satisfies Fits<LedgerEntry, C.LedgerEntry>,
  ledgerHead: true satisfies Fits<LedgerHead, C.LedgerHead>,
  links: true satisfies Fits<EmailLinks & { preferencesUrlExpiresAt?: string }, C.Links>,
  notice: true satisfies Fits<NoticeResult, C.NoticeResult>,
  noticeView: true satisfies Fits<Awaited<ReturnType<typeof getNoticeView>>, C.NoticeView>,
  noticeList: true satisfies Fits<Awaited<ReturnType<typeof listNoticeViews>>['data'][number], C.NoticeListItem>,
  rendered: true satisfies Fits<RenderedEmail, C.RenderedEmail>,
  broadcast: true satisfies Fits<BroadcastView, C.Broadcast>,
  stats: true satisfies Fits<StatsSeries, C.StatsSeries>,
  endpoint: true satisfies Fits<WebhookEndpoint, C.WebhookEndpoint>,
  delivery: true satisfies Fits<WebhookDelivery, C.WebhookDelivery>,
};

it('the domain’s answers fit the client’s types (checked by the compiler)', () => {
  expect(Object.values(fits).every(Boolean)).toBe(true);
});

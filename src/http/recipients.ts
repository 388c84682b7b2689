import { isIP } from 'node:net';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { notFound } from '../core/errors.js';
import type { ConsentContext } from '../core/vocabulary.js';
import { requestConfirmations } from '../domain/consent/double-opt-in.js';
import { listRecipientEvents } from '../domain/consent/ledger-history.js';
import { getRecipientWithEligibility } from '../domain/eligibility/recipient-eligibility.js';
import { listCategories } from '../domain/recipients/categories.js';
import { listRecipients, openRecipientExport } from '../domain/recipients/list-recipients.js';
import { patchRecipient, upsertRecipient } from '../domain/recipients/recipients.js';
import { requireScope } from './auth.js';
import { readJson, validate } from './body.js';
import { type Cell, csvResponse, wantsCsv } from './csv.js';
import { type AppEnv, apiActor } from './env.js';
import { categoryKey, email, line, pageQuery, prose, uuid } from './fields.js';

const externalId = line(255).min(1);
// BCP 47 in shape (language, then subtags of 1–8 letters or digits); RFC 5646 §4.4.1 advises at most 35.
const locale = z
  .string()
  .max(35)
  .regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, 'a BCP 47 language tag such as "en" or "pt-BR"');
// zod drops a `__proto__` key from a record without a word; refuse it so nothing asked for is lost.
const subscriptions = z
  .unknown()
  .refine((v) => typeof v !== 'object' || v === null || !Object.hasOwn(v, '__proto__'), '"__proto__" is not a category key')
  .pipe(z.record(categoryKey, z.enum(['subscribed', 'unsubscribed'])));

// What the caller can tell about how consent was given (GDPR Art. 7(1)). API callers act as the
// integrating system or an import; the other sources belong to mailprefs' own pages and webhooks.
const consent = z.strictObject({
  source: z.enum(['api', 'import']).optional(),
  ip: line(64)
    .refine((s) => isIP(s) !== 0, 'an IPv4 or IPv6 address')
    .optional(),
  userAgent: line(512).optional(),
  text: prose(5000).optional(),
});

export const RecipientPut = z.strictObject({
  email,
  externalId: externalId.nullable().optional(),
  locale: locale.nullable().optional(),
  subscriptions: subscriptions.optional(),
  consent: consent.optional(),
});

// `consent` is an addition to the base PATCH body (docs/api.md "Recipients"): a correction made for a person can carry the
// same proof as one made on creation.
export const RecipientPatch = z.strictObject({
  email: email.optional(),
  externalId: externalId.nullable().optional(),
  locale: locale.nullable().optional(),
  marketingOptOut: z.boolean().optional(),
  subscriptions: subscriptions.optional(),
  consent: consent.optional(),
});

function consentContext(c: Context<AppEnv>, given: z.infer<typeof consent> | undefined): ConsentContext {
  return { source: given?.source ?? 'api', ...apiActor(c.var.apiKeyId), ip: given?.ip, userAgent: given?.userAgent, text: given?.text };
}

// A REF holding control characters or a lone surrogate can name no stored recipient (the fields
// refuse them), and PostgreSQL would reject it as a parameter: it is simply unknown.
const refShape = line(320);
function ref(c: Context<AppEnv>): string {
  const value = c.req.param('ref') ?? '';
  if (!refShape.safeParse(value).success) throw notFound('Recipient');
  return value;
}

// Recipient ids are UUIDv7 (time-ordered): the cursor is the last id of a page.
export const ListQuery = pageQuery(uuid)
  .extend({
    q: line(320).min(1).optional(),
    category: categoryKey.optional(),
    status: z.enum(['subscribed', 'unsubscribed', 'pending']).optional(),
  })
  .refine((v) => v.status === undefined || v.category !== undefined, { path: ['status'], message: 'needs a category' });

const write = requireScope('recipients:write');
const read = requireScope('recipients:write', 'eligibility:read');

export const recipients = new Hono<AppEnv>()
  .put('/', write, async (c) => {
    const { consent: given, ...input } = await readJson(c, RecipientPut);
    const { db, config, systemMail } = c.var.deps;
    const { recipient, created } = await upsertRecipient(db, config.hashKey, input, consentContext(c, given));
    await requestConfirmations(db, systemMail, config, recipient.id, c.var.telemetry);
    return c.json(recipient, created ? 201 : 200);
  })
  .get('/', read, async (c) => {
    const query = validate(ListQuery, c.req.query());
    const { db } = c.var.deps;
    if (!wantsCsv(c)) return c.json(await listRecipients(db, query));
    // The columns of an import (docs/api.md "Imports"), so an export can be brought back in.
    const keys = (await listCategories(db)).map((k) => k.key);
    const all = await openRecipientExport(db, query);
    const rows = (async function* () {
      for await (const r of all) {
        const cells: Cell[] = [r.id, r.email, r.externalId, r.locale, r.marketingOptOut, r.createdAt, r.updatedAt];
        yield [...cells, ...keys.map((k) => r.subscriptions[k]?.status)];
      }
    })();
    const header = ['id', 'email', 'externalId', 'locale', 'marketingOptOut', 'createdAt', 'updatedAt', ...keys.map((k) => `subscription:${k}`)];
    return csvResponse(c, 'recipients', header, rows);
  })
  .get('/:ref', read, async (c) => c.json(await getRecipientWithEligibility(c.var.deps.db, ref(c))))
  .patch('/:ref', write, async (c) => {
    const { consent: given, ...patch } = await readJson(c, RecipientPatch);
    const { db, config, systemMail } = c.var.deps;
    const { recipient } = await patchRecipient(db, config.hashKey, ref(c), patch, consentContext(c, given));
    await requestConfirmations(db, systemMail, config, recipient.id, c.var.telemetry);
    return c.json(recipient);
  })
  .get('/:ref/events', read, async (c) => c.json({ data: await listRecipientEvents(c.var.deps.db, ref(c)) }));

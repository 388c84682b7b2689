import { isIP } from 'node:net';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { listRecipientEvents } from '../domain/consent-ledger.js';
import type { ConfirmationSender } from '../domain/double-opt-in.js';
import { getRecipientWithEligibility } from '../domain/recipient-eligibility.js';
import { patchRecipient, upsertRecipient } from '../domain/recipients.js';
import type { ConsentContext } from '../domain/types.js';
import { notFound } from '../errors.js';
import { requireScope } from './auth.js';
import { readJson } from './body.js';
import { apiActor, type AppEnv } from './env.js';
import { categoryKey, email, line, prose } from './fields.js';

const externalId = line(255).min(1);
// BCP 47 in shape (language, then subtags of 1–8 letters or digits); RFC 5646 §4.4.1 advises at most 35.
const locale = z.string().max(35).regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, 'a BCP 47 language tag such as "en" or "pt-BR"');
// zod drops a `__proto__` key from a record without a word; refuse it so nothing asked for is lost.
const subscriptions = z
  .unknown()
  .refine((v) => typeof v !== 'object' || v === null || !Object.hasOwn(v, '__proto__'), '"__proto__" is not a category key')
  .pipe(z.record(categoryKey, z.enum(['subscribed', 'unsubscribed'])));

// What the caller can tell about how consent was given (GDPR Art. 7(1)). API callers act as the
// integrating system or an import; the other sources belong to mailprefs' own pages and webhooks.
const consent = z.strictObject({
  source: z.enum(['api', 'import']).optional(),
  ip: line(64).refine((s) => isIP(s) !== 0, 'an IPv4 or IPv6 address').optional(),
  userAgent: line(512).optional(),
  text: prose(5000).optional(),
});

const RecipientPut = z.strictObject({
  email,
  externalId: externalId.nullable().optional(),
  locale: locale.nullable().optional(),
  subscriptions: subscriptions.optional(),
  consent: consent.optional(),
});

// `consent` is an addition to API.md's PATCH body: a correction made for a person can carry the
// same proof as one made on creation.
const RecipientPatch = z.strictObject({
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

// A subscription that becomes pending through the API is sent its double opt-in mail.
function confirmationSender(c: Context<AppEnv>): ConfirmationSender | undefined {
  const { config, systemMail } = c.var.deps;
  return systemMail && { config, mailer: systemMail };
}

// A REF holding control characters or a lone surrogate can name no stored recipient (the fields
// refuse them), and PostgreSQL would reject it as a parameter: it is simply unknown.
const refShape = line(320);
function ref(c: Context<AppEnv>): string {
  const value = c.req.param('ref') ?? '';
  if (!refShape.safeParse(value).success) throw notFound('Recipient');
  return value;
}

const write = requireScope('recipients:write');
const read = requireScope('recipients:write', 'eligibility:read');

export const recipients = new Hono<AppEnv>()
  .put('/', write, async (c) => {
    const { consent: given, ...input } = await readJson(c, RecipientPut);
    const { recipient, created } = await upsertRecipient(c.var.deps.db, c.var.deps.config.hashKey, input, consentContext(c, given), confirmationSender(c));
    return c.json(recipient, created ? 201 : 200);
  })
  .get('/:ref', read, async (c) => c.json(await getRecipientWithEligibility(c.var.deps.db, ref(c))))
  .patch('/:ref', write, async (c) => {
    const { consent: given, ...patch } = await readJson(c, RecipientPatch);
    return c.json(await patchRecipient(c.var.deps.db, c.var.deps.config.hashKey, ref(c), patch, consentContext(c, given), confirmationSender(c)));
  })
  .get('/:ref/events', read, async (c) => c.json({ data: await listRecipientEvents(c.var.deps.db, ref(c)) }));

// POST /webhooks/resend: Svix-signed delivery events. The signature covers the raw bytes, so the body
// is verified as received, before any parsing (svix Webhook#verify: HMAC-SHA256 over id.timestamp.body,
// timestamps more than 5 minutes off refused). No CSRF middleware here: the signature is the authority.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { Webhook, WebhookVerificationError } from 'svix';
import { AppError } from '../core/errors.js';
import { handleResendEvent, ResendEvent } from '../domain/notices/resend-events.js';
import { validate } from './body.js';
import type { AppEnv } from './env.js';

const MAX_WEBHOOK_BYTES = 256 * 1024;

export const webhooks = new Hono<AppEnv>().post(
  '/resend',
  bodyLimit({
    maxSize: MAX_WEBHOOK_BYTES,
    onError: () => {
      throw new AppError('payload_too_large', `Webhook bodies are at most ${MAX_WEBHOOK_BYTES} bytes.`);
    },
  }),
  async (c) => {
    const { config, db } = c.var.deps;
    if (!config.resendWebhookSecret) throw new AppError('unavailable', 'RESEND_WEBHOOK_SECRET is not set; webhooks are off.');
    const raw = await c.req.text();
    const headers = {
      'svix-id': c.req.header('svix-id') ?? '',
      'svix-timestamp': c.req.header('svix-timestamp') ?? '',
      'svix-signature': c.req.header('svix-signature') ?? '',
    };
    let payload: unknown;
    try {
      payload = new Webhook(config.resendWebhookSecret).verify(raw, headers);
    } catch (err) {
      if (err instanceof WebhookVerificationError) throw new AppError('unauthorized', 'The webhook signature is missing, invalid or too old.');
      throw new AppError('malformed_body', 'The webhook body is not JSON.');
    }
    if (headers['svix-id'].length > 200) throw new AppError('malformed_body', 'svix-id is too long.');
    const event = validate(ResendEvent, payload);
    const outcome = await handleResendEvent(db, config.hashKey, headers['svix-id'], event);
    return c.json({ status: outcome });
  },
);

// One signed POST to an endpoint, per the Standard Webhooks specification
// (https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp` (Unix seconds) and
// `webhook-signature: v1,BASE64(HMAC-SHA256(secret, "id.timestamp.body"))`, one per live secret.
import { createHmac } from 'node:crypto';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { guardedLookup, refuseWebhookUrl } from './target.js';

/** A secret's HMAC key (`whsec_` and base64), decoded once for a batch's signatures. */
export const signingKey = (secret: string): Buffer => Buffer.from(secret.replace(/^whsec_/, ''), 'base64');

export function sign(key: Buffer, msgId: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac('sha256', key).update(`${msgId}.${timestampSeconds}.${body}`).digest('base64')}`;
}

export type SendOutcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

export type WebhookSender = (body: string, signing: { id: string; timestamp: Date; keys: readonly Buffer[] }) => Promise<SendOutcome>;

/**
 * Posts bodies to one endpoint URL, checked against the guard once here and every address again at
 * connect time (target.ts); any 2xx is success, and redirects are not followed (a redirect could leave
 * the guard). Made once per batch: the URL is parsed and the lookup built once, not per delivery.
 */
export function webhookSender(target: string, opts: { timeoutMs: number; allowPrivate: boolean }): WebhookSender {
  const refused = refuseWebhookUrl(target, opts.allowPrivate);
  if (refused) return () => Promise.resolve({ ok: false, status: null, error: `refused: ${refused}` });
  const url = new URL(target);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const base: RequestOptions = { ...urlToHttpOptions(url), method: 'POST', lookup: guardedLookup(opts.allowPrivate) };
  return (body, signing) => {
    const seconds = Math.floor(signing.timestamp.getTime() / 1000);
    const headers = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'user-agent': 'mailprefs-webhooks',
      'webhook-id': signing.id,
      'webhook-timestamp': String(seconds),
      'webhook-signature': signing.keys.map((k) => sign(k, signing.id, seconds, body)).join(' '),
    };
    return post(request, { ...base, headers }, body, opts.timeoutMs);
  };
}

function post(request: typeof httpRequest, options: RequestOptions, body: string, timeoutMs: number): Promise<SendOutcome> {
  return new Promise((resolve) => {
    // One timer for the whole exchange: a plain timer, as an AbortSignal per request cost 50-80 µs of
    // CPU on loopback (a sixth of a plain POST). Once it fires, the handlers below answer `timeout`.
    let timedOut = false;
    const req = request(options, (res) => {
      const status = res.statusCode ?? 0;
      // The answer's body is not needed; draining it lets the connection be reused (keep-alive: Node's
      // global agent keeps connections open since Node 19).
      res.resume();
      res.on('end', () => {
        clearTimeout(timer);
        resolve(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status, error: `HTTP ${status}` });
      });
      // After 'end' this changes nothing (a promise settles once); before it, the answer was cut off.
      res.on('close', () => {
        clearTimeout(timer);
        resolve({ ok: false, status, error: timedOut ? 'timeout' : 'response aborted' });
      });
    });
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy();
    }, timeoutMs);
    timer.unref();
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // A code or name only: a message could echo the URL, which may hold a token of the receiver.
      resolve({ ok: false, status: null, error: timedOut ? 'timeout' : (err.code ?? err.name) });
    });
    req.end(body);
  });
}

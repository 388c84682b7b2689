// One signed POST to an endpoint, per the Standard Webhooks specification
// (https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp` (Unix seconds) and
// `webhook-signature: v1,BASE64(HMAC-SHA256(secret, "id.timestamp.body"))`, one per live secret.
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { guardedLookup, refuseWebhookUrl } from './target.js';

export function sign(secret: string, msgId: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${msgId}.${timestampSeconds}.${body}`).digest('base64')}`;
}

export type SendOutcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/** Posts the body; any 2xx is success, and redirects are not followed (a redirect could leave the guard). */
export function postWebhook(
  target: string,
  body: string,
  signing: { id: string; timestamp: Date; secrets: readonly string[] },
  opts: { timeoutMs: number; allowPrivate: boolean },
): Promise<SendOutcome> {
  const refused = refuseWebhookUrl(target, opts.allowPrivate);
  if (refused) return Promise.resolve({ ok: false, status: null, error: `refused: ${refused}` });
  const url = new URL(target);
  const seconds = Math.floor(signing.timestamp.getTime() / 1000);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': 'mailprefs-webhooks',
    'webhook-id': signing.id,
    'webhook-timestamp': String(seconds),
    'webhook-signature': signing.secrets.map((s) => sign(s, signing.id, seconds, body)).join(' '),
  };
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    // One timer for the whole exchange (a plain timer: an AbortSignal per request cost a fifth of the
    // sender's CPU on loopback); after it fires, the error handler below answers `timeout`.
    let timedOut = false;
    const req = request(url, { method: 'POST', headers, lookup: guardedLookup(opts.allowPrivate) }, (res) => {
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
    }, opts.timeoutMs);
    timer.unref();
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // A code or name only: a message could echo the URL, which may hold a token of the receiver.
      resolve({ ok: false, status: null, error: timedOut ? 'timeout' : (err.code ?? err.name) });
    });
    req.end(body);
  });
}

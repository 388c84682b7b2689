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
    const req = request(url, { method: 'POST', headers, lookup: guardedLookup(opts.allowPrivate), signal: AbortSignal.timeout(opts.timeoutMs) }, (res) => {
      const status = res.statusCode ?? 0;
      // The answer's body is not needed; draining it lets the connection be reused.
      res.resume();
      res.on('end', () => resolve(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status, error: `HTTP ${status}` }));
      res.on('error', () => resolve({ ok: false, status, error: 'response aborted' }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A code or name only: a message could echo the URL, which may hold a token of the receiver.
      const what = err.name === 'TimeoutError' || err.name === 'AbortError' ? 'timeout' : (err.code ?? err.name);
      resolve({ ok: false, status: null, error: what });
    });
    req.end(body);
  });
}

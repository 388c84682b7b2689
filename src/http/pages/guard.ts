// What every recipient page gets: strict headers, no caching, bounded bodies, and (for the page's own
// forms) a same-origin check. The RFC 8058 one-click POST skips that check: the mailbox provider posts it
// with no Origin and no cookies, and the signed token is its authority (docs/standards.md "Hono csrf()").
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { AppError } from '../../core/errors.js';
import type { AppEnv } from '../env.js';

/** Recipient forms carry a few short fields; anything bigger is not one of ours. */
export const MAX_PAGE_BODY_BYTES = 64 * 1024;

/** The pages' policy: our own styles and images, forms to ourselves, no script, never framed. */
export const PAGE_CSP = {
  defaultSrc: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

const headers = secureHeaders({ contentSecurityPolicy: PAGE_CSP, xFrameOptions: 'DENY', referrerPolicy: 'no-referrer' });

const limit = bodyLimit({
  maxSize: MAX_PAGE_BODY_BYTES,
  onError: () => {
    throw new AppError('payload_too_large', 'The form is too large.');
  },
});

export const pageGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  await headers(c, async () => {
    await next();
    // Tokens are in the path: nothing may keep a copy (Referrer-Policy above keeps them out of Referer).
    c.header('Cache-Control', 'no-store');
  });
};

/**
 * The body limit, as its own middleware after pageGuard: an error thrown by a middleware becomes the
 * error page at that middleware's own level, so a 413 thrown inside pageGuard would skip its headers.
 */
export const pageBodyLimit: MiddlewareHandler<AppEnv> = (c, next) => (c.req.method === 'POST' ? limit(c, next) : next());

/**
 * Refuses a form posted from another site. Our own pages send `Referrer-Policy: no-referrer`, under which
 * browsers post `Origin: null` even from the same origin (Fetch standard, "serializing a request origin"),
 * so a `null` Origin is decided by Sec-Fetch-Site. A request with neither did not come from a current
 * browser, and carries no ambient authority anyway: there are no cookies, the token in the path is the key.
 */
export function assertSameOrigin(c: Context<AppEnv>): void {
  const expected = new URL(c.var.deps.config.publicUrl).origin;
  const origin = c.req.header('origin');
  const site = c.req.header('sec-fetch-site');
  const originSays = origin === undefined || origin === 'null' ? undefined : origin === expected;
  const siteSays = site === undefined ? undefined : site === 'same-origin' || site === 'none';
  if (originSays === false || siteSays === false) throw new AppError('forbidden', 'This form was posted from another site.');
}

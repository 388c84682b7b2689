// What every recipient page gets: strict headers, no caching, bounded bodies, and (for the page's own
// forms) a same-origin check. The RFC 8058 one-click POST skips that check: the mailbox provider posts it
// with no Origin and no cookies, and the signed token is its authority (STANDARDS.md, "Hono csrf()").
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { AppError } from '../../errors.js';
import type { AppEnv } from '../env.js';

/** Recipient forms carry a few short fields; anything bigger is not one of ours. */
export const MAX_PAGE_BODY_BYTES = 64 * 1024;

const headers = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
});

const limit = bodyLimit({
  maxSize: MAX_PAGE_BODY_BYTES,
  onError: () => {
    throw new AppError('payload_too_large', 'The form is too large.');
  },
});

export const pageGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  await headers(c, async () => {
    await (c.req.method === 'POST' ? limit(c, next) : next());
    // Tokens are in the path: nothing may keep a copy (Referrer-Policy above keeps them out of Referer).
    c.header('Cache-Control', 'no-store');
  });
};

/**
 * Refuses a form posted from another site. Browsers send Origin on every cross-site POST, and
 * Sec-Fetch-Site where they support it; a request with neither did not come from a browser, so it
 * cannot carry a victim's ambient authority (there are no cookies here anyway).
 */
export function assertSameOrigin(c: Context<AppEnv>): void {
  const expected = new URL(c.var.deps.config.publicUrl).origin;
  const origin = c.req.header('origin');
  const site = c.req.header('sec-fetch-site');
  const crossSite = origin !== undefined ? origin !== expected : site !== undefined && site !== 'same-origin' && site !== 'none';
  if (crossSite) throw new AppError('forbidden', 'This form was posted from another site.');
}

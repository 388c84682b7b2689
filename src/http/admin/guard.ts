// What every console request goes through: the recipient pages' strict headers (the body limit is the
// pages' own pageBodyLimit, mounted after this guard so a 413 keeps these headers), the
// session cookie, and for every POST a same-origin check plus the session's CSRF token (OWASP CSRF
// Prevention Cheat Sheet: synchronizer token, with SameSite=Strict and Origin as defence in depth).
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { secureHeaders } from 'hono/secure-headers';
import { AppError } from '../../core/errors.js';
import type { ConsentContext } from '../../core/vocabulary.js';
import { can, type Permission } from '../../domain/console/roles.js';
import { csrfMatches, resumeSession } from '../../domain/console/sessions.js';
import type { AppEnv } from '../env.js';
import { clientIp, type Form, field } from '../pages/form.js';
import { assertSameOrigin, PAGE_CSP } from '../pages/guard.js';

/** Sent as `__Host-mailprefs_console`: Secure, Path=/, no Domain, so no other host or path can set it. */
const COOKIE = 'mailprefs_console';
export const CSRF_FIELD = '_csrf';

// The recipient pages' policy, plus the console's one self-hosted script (live broadcast progress) and
// the same-origin fetch it makes; still no inline script, no third-party asset (docs/console.md).
const headers = secureHeaders({
  contentSecurityPolicy: { ...PAGE_CSP, scriptSrc: ["'self'"], connectSrc: ["'self'"] },
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
});

export const adminGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  await headers(c, async () => {
    await next();
    // Pages show personal data and a new API key once: nothing may keep a copy.
    c.header('Cache-Control', 'no-store');
  });
};

export function setSessionCookie(c: Context<AppEnv>, token: string): void {
  setCookie(c, COOKIE, token, { prefix: 'host', path: '/', secure: true, httpOnly: true, sameSite: 'Strict' });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, COOKIE, { prefix: 'host', path: '/', secure: true });
}

export function sessionToken(c: Context<AppEnv>): string | undefined {
  return getCookie(c, COOKIE, 'host');
}

/** Loads the session or sends the browser to sign in (GET) / refuses (anything else). */
export const requireSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = sessionToken(c);
  const session = token ? await resumeSession(c.var.deps.db, token) : undefined;
  if (!session) {
    if (token) clearSessionCookie(c);
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return c.redirect(`${adminBase(c)}/sign-in`, 303);
    throw new AppError('unauthorized', 'Sign in first.');
  }
  c.set('session', session);
  await next();
};

export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!can(c.var.session.operator.role, permission)) throw new AppError('forbidden', 'Your role does not allow this.');
    await next();
  };
}

/** Every state-changing console form: from our own origin, carrying this session's token. */
export function assertCsrf(c: Context<AppEnv>, form: Form): void {
  assertSameOrigin(c);
  if (!csrfMatches(c.var.session, field(form, CSRF_FIELD))) throw new AppError('forbidden', 'The form has expired; reload the page.');
}

/** An operator's change, as the ledger records it: `operator:ID`, with their IP and user agent. */
export function operatorActor(c: Context<AppEnv>, text?: string | null): ConsentContext {
  return {
    source: 'console',
    actor: `operator:${c.var.session.operator.id}`,
    ip: clientIp(c) ?? null,
    userAgent: c.req.header('user-agent')?.slice(0, 512) ?? null,
    text: text ?? null,
  };
}

/** /admin under PUBLIC_URL's path prefix. */
export function adminBase(c: Context<AppEnv>): string {
  return `${new URL(c.var.deps.config.publicUrl).pathname.replace(/\/+$/, '')}/admin`;
}

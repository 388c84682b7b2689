// Signing in to the console at the HTTP level: set-password links, the cookie's attributes, fixation,
// CSRF, lockout with one answer for unknown accounts, expiry and signing out everywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperator, disableOperator, resetOperator } from '../../src/domain/console/operators.js';
import { ABSOLUTE_HOURS, IDLE_MINUTES, resumeSession, signIn } from '../../src/domain/console/sessions.js';
import { addOperator, consoleClient, OPERATOR_PASSWORD } from '../support/console.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

let ipCounter = 0;
const nextIp = () => `203.0.113.${++ipCounter}`;

describe.each(testDialects())('console sign-in on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness(dialect, { TRUSTED_PROXY_HOPS: '1' });
  });
  afterAll(() => h.close());

  it('sets a password once from the link, refuses a short one, and the link then stops working', async () => {
    const { link } = await createOperator(h.handle.db, h.config.publicUrl, { email: 'New.Op@ops.example', role: 'viewer' });
    expect(link).toMatch(/^https:\/\/prefs\.example\.test\/admin\/set-password\/[A-Za-z0-9_-]{43}$/);
    const path = new URL(link).pathname;
    const client = consoleClient(h, { ip: nextIp() });
    const page = await client.get(path);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('New.Op@ops.example');
    expect((await client.post(path, { password: 'short' }, { csrf: null })).status).toBe(422);
    const set = await client.post(path, { password: OPERATOR_PASSWORD }, { csrf: null });
    expect(set.status).toBe(303);
    expect(set.headers.get('location')).toBe('/admin/sign-in?done=password-set');
    expect((await client.get(path)).status).toBe(404);
    expect((await client.post(path, { password: 'another long password' }, { csrf: null })).status).toBe(404);
    expect((await client.signIn('new.op@OPS.example')).status).toBe(303);
  });

  it('refuses a set-password link after 24 hours', async () => {
    const past = new Date(Date.now() - 25 * 3600_000);
    const { link } = await createOperator(h.handle.db, h.config.publicUrl, { email: 'late@ops.example', role: 'viewer' }, past);
    expect((await consoleClient(h).get(new URL(link).pathname)).status).toBe(404);
  });

  it('signs in with a __Host- cookie (Secure, HttpOnly, SameSite=Strict, Path=/) and sends others to sign in', async () => {
    const op = await addOperator(h, 'viewer');
    const anonymous = consoleClient(h);
    const redirect = await anonymous.get('/admin');
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get('location')).toBe('/admin/sign-in');

    const client = consoleClient(h, { ip: nextIp() });
    const res = await client.post('/admin/sign-in', { email: op.email, password: OPERATOR_PASSWORD }, { csrf: null });
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((l) => l.startsWith('__Host-mailprefs_console='))!;
    expect(cookie).toMatch(/; Path=\/(;|$)/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).not.toMatch(/Domain=/i);
    const home = await client.get('/admin');
    expect(home.status).toBe(200);
    expect(home.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(home.headers.get('cache-control')).toBe('no-store');
    expect(home.headers.get('x-frame-options')).toBe('DENY');
    expect(await home.text()).toContain(op.email);
  });

  it('gives an unknown address the same answer as a wrong password', async () => {
    const op = await addOperator(h, 'editor');
    const wrong = await consoleClient(h, { ip: nextIp() }).post('/admin/sign-in', { email: op.email, password: 'not the password' }, { csrf: null });
    const unknown = await consoleClient(h, { ip: nextIp() }).post(
      '/admin/sign-in',
      { email: 'nobody@ops.example', password: 'not the password' },
      { csrf: null },
    );
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (html: string, email: string) => html.replaceAll(email, 'EMAIL');
    expect(strip(await wrong.text(), op.email)).toBe(strip(await unknown.text(), 'nobody@ops.example'));
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  it('locks an account after 5 attempts, even with the right password, and unknown accounts alike', async () => {
    const op = await addOperator(h, 'editor');
    for (const email of [op.email, 'ghost@ops.example']) {
      for (let i = 0; i < 5; i++) {
        expect((await consoleClient(h, { ip: nextIp() }).post('/admin/sign-in', { email, password: 'wrong password' }, { csrf: null })).status).toBe(401);
      }
      const locked = await consoleClient(h, { ip: nextIp() }).post('/admin/sign-in', { email, password: OPERATOR_PASSWORD }, { csrf: null });
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('limits one client trying many accounts', async () => {
    const client = consoleClient(h, { ip: nextIp() });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await client.post('/admin/sign-in', { email: `probe${i}@ops.example`, password: 'x' }, { csrf: null })).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
    // 21 sign-ins, each a full scrypt (unknown accounts cost the same as known ones; N = 2^10 here, FAST_SCRYPT).
  }, 180_000);

  it('never keeps a session id chosen before sign-in (fixation)', async () => {
    const op = await addOperator(h, 'viewer');
    const client = consoleClient(h, { ip: nextIp() });
    const planted = `__Host-mailprefs_console=${'A'.repeat(43)}`;
    client.cookie = planted;
    expect((await client.signIn(op.email)).status).toBe(303);
    expect(client.cookie).not.toBe(planted);
    const again = consoleClient(h, { ip: nextIp() });
    expect((await again.signIn(op.email)).status).toBe(303);
    expect(again.cookie).not.toBe(client.cookie);
  });

  it('refuses a console form without the CSRF token or from another origin', async () => {
    const op = await addOperator(h, 'viewer');
    const client = consoleClient(h, { ip: nextIp() });
    await client.signIn(op.email);
    expect(client.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await client.post('/admin/sign-out', {}, { csrf: null })).status).toBe(403);
    expect((await client.post('/admin/sign-out', {}, { csrf: 'B'.repeat(43) })).status).toBe(403);
    expect((await client.post('/admin/sign-out', {}, { origin: 'https://evil.example', site: 'cross-site' })).status).toBe(403);
    expect((await client.get('/admin')).status).toBe(200);
    const out = await client.post('/admin/sign-out');
    expect(out.status).toBe(303);
    expect(client.cookie).toBeUndefined();
    expect(
      (
        await client.post(
          '/admin/sign-in',
          { email: op.email, password: OPERATOR_PASSWORD },
          { origin: 'https://evil.example', site: 'cross-site', csrf: null },
        )
      ).status,
    ).toBe(403);
  });

  it('signs out everywhere, and disabling or resetting ends every session', async () => {
    const op = await addOperator(h, 'admin');
    const [a, b] = [consoleClient(h, { ip: nextIp() }), consoleClient(h, { ip: nextIp() })];
    await a.signIn(op.email);
    await b.signIn(op.email);
    expect((await a.post('/admin/sign-out-everywhere')).status).toBe(303);
    expect((await b.get('/admin')).status).toBe(303);

    await a.signIn(op.email);
    await resetOperator(h.handle.db, h.config.publicUrl, op.email);
    expect((await a.get('/admin')).status).toBe(303);
    expect((await a.signIn(op.email)).status).toBe(401);

    const other = await addOperator(h, 'viewer');
    await a.signIn(other.email);
    await disableOperator(h.handle.db, other.id);
    expect((await a.get('/admin')).status).toBe(303);
    expect((await consoleClient(h, { ip: nextIp() }).signIn(other.email)).status).toBe(401);
  });

  it('ends a session idle for 30 minutes or 12 hours after sign-in', async () => {
    const op = await addOperator(h, 'viewer');
    const start = new Date();
    const { token } = await signIn(h.handle.db, h.config.hashKey, { email: op.email, password: OPERATOR_PASSWORD, client: nextIp() }, start);
    const at = (ms: number) => new Date(start.getTime() + ms);
    expect(await resumeSession(h.handle.db, token, at((IDLE_MINUTES - 1) * 60_000))).toBeDefined();
    // Kept alive every 29 minutes, it still ends at the absolute limit.
    let t = (IDLE_MINUTES - 1) * 60_000;
    while (t < ABSOLUTE_HOURS * 3600_000 - IDLE_MINUTES * 60_000) {
      t += (IDLE_MINUTES - 1) * 60_000;
      expect(await resumeSession(h.handle.db, token, at(t))).toBeDefined();
    }
    expect(await resumeSession(h.handle.db, token, at(ABSOLUTE_HOURS * 3600_000))).toBeUndefined();

    const idle = await signIn(h.handle.db, h.config.hashKey, { email: op.email, password: OPERATOR_PASSWORD, client: nextIp() }, start);
    expect(await resumeSession(h.handle.db, idle.token, at(IDLE_MINUTES * 60_000))).toBeUndefined();
  });

  it('answers hostile and malformed sign-in forms with 4xx, never 500', async () => {
    const client = consoleClient(h, { ip: nextIp() });
    for (const email of ['\u0000@x', `${'a'.repeat(5000)}@x.example`, "' or 1=1 --", '<script>alert(1)</script>']) {
      const res = await client.post('/admin/sign-in', { email, password: 'p\r\nx' }, { csrf: null });
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain('<script>alert(1)</script>');
    }
    const json = await h.app.request('/admin/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(415);
    const big = await h.app.request('/admin/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `email=${'a'.repeat(70_000)}`,
    });
    expect(big.status).toBe(413);
  });
});

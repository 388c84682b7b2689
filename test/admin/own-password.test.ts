// "Change your password" at the HTTP level (the form has no script): the current password is checked as
// at sign-in (same error, same limits), success ends the operator's other sessions and renews this one,
// the ledger names the operator, and hostile or malformed forms get a 4xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventsAfter } from '../../src/db/consent-events.js';
import { changeOwnPassword } from '../../src/domain/console/own-password.js';
import type { OperatorRole } from '../../src/domain/console/roles.js';
import { resumeSession, SIGN_IN_LIMITS, signIn } from '../../src/domain/console/sessions.js';
import { addOperator, type ConsoleClient, consoleClient, OPERATOR_PASSWORD } from '../support/console.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

const NEW_PASSWORD = 'a brand new passphrase, 2026';
let ipCounter = 0;
const nextIp = () => `198.51.100.${++ipCounter}`;

describe.each(testDialects())('changing your own password on %s', (dialect) => {
  let h: Harness;
  const events = async (type: string) => (await listEventsAfter(h.handle.db, 0, 100_000)).filter((e) => e.type === type);
  const signedIn = async (role: OperatorRole) => {
    const op = await addOperator(h, role);
    const client = consoleClient(h, { ip: nextIp() });
    expect((await client.signIn(op.email)).status).toBe(303);
    return { op, client };
  };
  const change = (client: ConsoleClient, fields: Partial<Record<'currentPassword' | 'newPassword' | 'repeatPassword', string>>) =>
    client.post('/admin/account/password', { currentPassword: OPERATOR_PASSWORD, newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD, ...fields });

  beforeAll(async () => {
    h = await makeHarness(dialect, { TRUSTED_PROXY_HOPS: '1' });
  });
  afterAll(() => h.close());

  it('offers the form to every role, linked from every page, with the CSRF token and no script', async () => {
    const { client } = await signedIn('viewer');
    expect(await (await client.get('/admin')).text()).toContain('<a href="/admin/account">Change your password</a>');
    const page = await client.get('/admin/account');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/<form method="post" action="\/admin\/account\/password" class="stack"><input type="hidden" name="_csrf" value="[A-Za-z0-9_-]{43}"/);
    expect(html).toContain('name="currentPassword" autocomplete="current-password"');
    expect(html.match(/autocomplete="new-password"/g)).toHaveLength(2);
    expect(html).not.toContain('<script');
  });

  it('changes the password, ends every other session, renews this one and writes operator_password_changed', async () => {
    const { op, client } = await signedIn('admin');
    const other = consoleClient(h, { ip: nextIp() });
    expect((await other.signIn(op.email)).status).toBe(303);
    const oldCookie = client.cookie!;
    await client.get('/admin/account');
    const res = await change(client, {});
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/account?done=password-changed');
    expect(client.cookie).toBeDefined();
    expect(client.cookie).not.toBe(oldCookie);
    const after = await client.get('/admin/account?done=password-changed');
    expect(after.status).toBe(200);
    expect(await after.text()).toContain('Your password is changed. Your other sessions have ended.');
    // The other browser and this browser's old cookie are both signed out.
    expect((await other.get('/admin')).headers.get('location')).toBe('/admin/sign-in');
    expect(await resumeSession(h.handle.db, oldCookie.split('=')[1]!)).toBeUndefined();

    const [event] = (await events('operator_password_changed')).filter((e) => e.actor === `operator:${op.id}`);
    expect(event).toMatchObject({ source: 'console', recipient_id: null, ip: expect.stringMatching(/^198\.51\.100\./) });
    expect(JSON.parse(event!.detail!)).toEqual({ id: op.id });
    expect(JSON.stringify(event)).not.toContain(op.email);

    expect((await consoleClient(h, { ip: nextIp() }).signIn(op.email, NEW_PASSWORD)).status).toBe(303);
    expect((await consoleClient(h, { ip: nextIp() }).signIn(op.email, OPERATOR_PASSWORD)).status).toBe(401);
  });

  it("refuses a wrong current password with sign-in's error and limits, and changes nothing", async () => {
    const { op, client } = await signedIn('viewer');
    await client.get('/admin/account');
    const res = await change(client, { currentPassword: 'not the password at all' });
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain('The current password is not right.');
    expect(html).not.toContain(NEW_PASSWORD);
    expect((await client.get('/admin/account')).status).toBe(200);

    // The domain refuses with exactly what signIn throws for a wrong password: one check for both.
    const session = (await resumeSession(h.handle.db, client.cookie!.split('=')[1]!))!;
    const input = { current: 'still not it, sorry', next: NEW_PASSWORD, repeat: NEW_PASSWORD, client: nextIp() };
    const refused = await changeOwnPassword(h.handle.db, h.config.hashKey, session, input, { source: 'console', actor: 'x' }).catch((e: unknown) => e);
    const atSignIn = await signIn(h.handle.db, h.config.hashKey, { email: op.email, password: 'wrong', client: nextIp() }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'unauthorized' });
    expect(refused).toEqual(atSignIn);

    // Sign-in's per-account limit counts these attempts too (1 sign-in, 2 changes, 1 wrong sign-in so far).
    expect(SIGN_IN_LIMITS.account.max).toBe(5);
    expect((await change(client, { currentPassword: 'guess number three' })).status).toBe(401);
    const locked = await change(client, { currentPassword: OPERATOR_PASSWORD });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await consoleClient(h, { ip: nextIp() }).signIn(op.email)).status).toBe(429);
    expect((await events('operator_password_changed')).filter((e) => e.actor === `operator:${op.id}`)).toEqual([]);
  });

  it('refuses a short, an overlong or an unrepeated new password on the form (422), before the password check', async () => {
    const { client } = await signedIn('viewer');
    await client.get('/admin/account');
    const cases = [
      [{ newPassword: 'short', repeatPassword: 'short' }, 'at least 12 and at most 256 characters'],
      [{ newPassword: 'x'.repeat(257), repeatPassword: 'x'.repeat(257) }, 'at least 12 and at most 256 characters'],
      [{ repeatPassword: `${NEW_PASSWORD}!` }, 'The two new passwords are not the same.'],
    ] as const;
    // Twice over: six refusals and the sign-in are more than the account's five attempts, so the change
    // below succeeding shows that these spent none of them.
    for (const [fields, text] of [...cases, ...cases]) {
      const res = await change(client, fields);
      expect(res.status).toBe(422);
      expect(await res.text()).toContain(text);
    }
    expect((await change(client, {})).status).toBe(303);
  });

  it('needs a session, the CSRF token and our own origin', async () => {
    const { client } = await signedIn('viewer');
    await client.get('/admin/account');
    for (const [why, opts] of [
      ['no token', { csrf: null }],
      ['a wrong token', { csrf: 'A'.repeat(43) }],
      ['another site', { origin: 'https://evil.example', site: 'cross-site' }],
    ] as const) {
      const res = await client.post(
        '/admin/account/password',
        { currentPassword: OPERATOR_PASSWORD, newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD },
        opts,
      );
      expect(res.status, why).toBe(403);
    }
    const anonymous = consoleClient(h, { ip: nextIp() });
    expect((await anonymous.get('/admin/account')).headers.get('location')).toBe('/admin/sign-in');
    expect((await anonymous.post('/admin/account/password', { newPassword: NEW_PASSWORD }, { csrf: 'A'.repeat(43) })).status).toBe(401);
  });

  it('answers hostile and malformed forms with 4xx, never 500, and echoes nothing', async () => {
    const { client } = await signedIn('editor');
    await client.get('/admin/account');
    for (const hostile of ['\u0000', 'p\r\nSet-Cookie: x=1', '<script>alert(1)</script>', "' or 1=1 --", 'x'.repeat(5000)]) {
      const res = await change(client, { currentPassword: hostile });
      expect(res.status).toBeLessThan(500);
      expect(res.status).toBeGreaterThanOrEqual(400);
      const html = await res.text();
      expect(html).not.toContain('<script>alert(1)</script>');
      expect(res.headers.get('set-cookie') ?? '').not.toContain('x=1');
    }
    const big = await h.app.request('/admin/account/password', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: client.cookie! },
      body: `newPassword=${'a'.repeat(70_000)}`,
    });
    expect(big.status).toBe(413);
    const json = await h.app.request('/admin/account/password', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: client.cookie! },
      body: '{}',
    });
    expect(json.status).toBe(415);
  });
});

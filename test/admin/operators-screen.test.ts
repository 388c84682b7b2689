// The operators screen at the HTTP level: admins only (viewers and editors 403, page and forms), CSRF on
// every form, the one-time link shown once, every change in the ledger with the operator as actor (and
// no address), and the two rules: nobody changes their own account here, and an active admin remains.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventsAfter } from '../../src/db/consent-events.js';
import { changeOperatorRole, disableOperatorAsAdmin } from '../../src/domain/console/manage-operators.js';
import { findOperatorByRef, setPasswordWithLink } from '../../src/domain/console/operators.js';
import { addOperator, type ConsoleClient, consoleClient, OPERATOR_PASSWORD } from '../support/console.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

const LINK = /id="setup-link" type="text" readonly="" value="(https:\/\/prefs\.example\.test\/admin\/set-password\/[A-Za-z0-9_-]{43})"/;

describe.each(testDialects())('operators screen on %s', (dialect) => {
  let h: Harness;
  let ip = 60;
  const as: Record<'viewer' | 'editor' | 'admin', ConsoleClient & { id: string; email: string }> = {} as never;
  const events = () => listEventsAfter(h.handle.db, 0, 100_000);
  const lastEvent = async () => (await events()).at(-1)!;
  async function signedIn(role: 'viewer' | 'editor' | 'admin') {
    const op = await addOperator(h, role);
    const client = consoleClient(h, { ip: `192.0.2.${ip++}` });
    expect((await client.signIn(op.email)).status).toBe(303);
    return Object.assign(client, { id: op.id, email: op.email });
  }

  beforeAll(async () => {
    h = await makeHarness(dialect, { TRUSTED_PROXY_HOPS: '1' });
    for (const role of ['viewer', 'editor', 'admin'] as const) as[role] = await signedIn(role);
  });
  afterAll(() => h.close());

  it('lists operators with role, state and last sign-in, and only admins see the section', async () => {
    const html = await (await as.admin.get('/admin/operators')).text();
    for (const role of ['viewer', 'editor', 'admin'] as const) expect(html).toContain(as[role].email);
    expect(html).toContain('(you)');
    expect(html).not.toContain('>never<');
    expect(html).toMatch(/<td class="nowrap">\d{4}-\d\d-\d\d \d\d:\d\d<\/td>/);
    expect(await (await as.admin.get('/admin')).text()).toContain('href="/admin/operators"');
    for (const role of ['viewer', 'editor'] as const) {
      expect(await (await as[role].get('/admin')).text(), role).not.toContain('href="/admin/operators"');
      expect((await as[role].get('/admin/operators')).status, role).toBe(403);
      expect((await as[role].post('/admin/operators', { email: 'x@ops.example', role: 'admin' })).status, role).toBe(403);
      expect((await as[role].post(`/admin/operators/${as.viewer.id}/disable`)).status, role).toBe(403);
    }
  });

  it('invites an operator: the link is shown once, works once, and the ledger holds id and role only', async () => {
    await as.admin.get('/admin/operators');
    const res = await as.admin.post('/admin/operators', { email: 'new.person@ops.example', role: 'editor' });
    expect(res.status).toBe(201);
    const link = LINK.exec(await res.text())![1]!;
    const created = await findOperatorByRef(h.handle.db, 'new.person@ops.example');
    expect(created).toMatchObject({ role: 'editor', password_hash: null });
    expect(await lastEvent()).toMatchObject({ type: 'operator_created', actor: `operator:${as.admin.id}`, source: 'console' });
    expect(JSON.parse((await lastEvent()).detail ?? 'null')).toEqual({ id: created.id, role: 'editor' });
    const again = await (await as.admin.get('/admin/operators')).text();
    expect(again).not.toContain(link);
    expect(again).toContain('>invited<');
    await setPasswordWithLink(h.handle.db, link.split('/').pop()!, OPERATOR_PASSWORD, new Date(), h.config.scryptCost);
    expect((await consoleClient(h, { ip: '192.0.2.90' }).signIn('new.person@ops.example')).status).toBe(303);
  });

  it('refuses duplicate, malformed and hostile input with a 4xx page', async () => {
    await as.admin.get('/admin/operators');
    expect((await as.admin.post('/admin/operators', { email: as.editor.email, role: 'viewer' })).status).toBe(409);
    for (const email of [
      'not-an-address',
      'a@b.example\r\nBcc: x@y.example',
      'a\u0000b@ops.example',
      '<script>alert(1)</script>@x.example',
      `${'x'.repeat(400)}@ops.example`,
      '',
    ]) {
      const res = await as.admin.post('/admin/operators', { email, role: 'viewer' });
      expect([409, 422], JSON.stringify(email)).toContain(res.status);
      expect(await res.text()).not.toContain('<script>alert(1)');
    }
    expect((await as.admin.post('/admin/operators', { email: 'ok@ops.example', role: 'root' })).status).toBe(422);
    expect((await as.admin.post(`/admin/operators/${as.viewer.id}/role`, { role: 'superuser' })).status).toBe(422);
    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000', '%00', "1'%20or%201=1--"]) {
      expect((await as.admin.post(`/admin/operators/${id}/disable`)).status, id).toBe(404);
    }
  });

  it('refuses a form without the session’s CSRF token, or from another site', async () => {
    const before = (await events()).length;
    expect((await as.admin.post('/admin/operators', { email: 'csrf@ops.example', role: 'admin' }, { csrf: null })).status).toBe(403);
    expect((await as.admin.post(`/admin/operators/${as.viewer.id}/disable`, {}, { csrf: 'y'.repeat(43) })).status).toBe(403);
    expect((await as.admin.post(`/admin/operators/${as.viewer.id}/reset`, {}, { origin: 'https://evil.example', site: 'cross-site' })).status).toBe(403);
    expect((await events()).length).toBe(before);
  });

  it('changes a role, effective on the operator’s next request', async () => {
    const target = await signedIn('editor');
    await as.admin.get('/admin/operators');
    const res = await as.admin.post(`/admin/operators/${target.id}/role`, { role: 'viewer' });
    expect(res.headers.get('location')).toBe('/admin/operators?done=role');
    expect(JSON.parse((await lastEvent()).detail ?? 'null')).toEqual({ id: target.id, role: { from: 'editor', to: 'viewer' } });
    await target.get('/admin/suppressions');
    expect((await target.post('/admin/suppressions', { email: 'z@example.com', reason: 'manual' })).status).toBe(403);
  });

  it('disables an operator, ending their sessions; a reset shows a new link and enables them again', async () => {
    const target = await signedIn('viewer');
    await as.admin.get('/admin/operators');
    expect((await as.admin.post(`/admin/operators/${target.id}/disable`)).status).toBe(303);
    expect(await lastEvent()).toMatchObject({ type: 'operator_disabled', actor: `operator:${as.admin.id}` });
    const out = await target.get('/admin');
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/admin/sign-in');
    expect(await (await as.admin.get('/admin/operators')).text()).toContain(`Reset and enable: ${target.email}`);

    const reset = await as.admin.post(`/admin/operators/${target.id}/reset`);
    expect(reset.status).toBe(200);
    const link = LINK.exec(await reset.text())![1]!;
    expect(JSON.parse((await lastEvent()).detail ?? 'null')).toEqual({ id: target.id, enabled: true });
    expect((await findOperatorByRef(h.handle.db, target.id)).disabled_at).toBeNull();
    await setPasswordWithLink(h.handle.db, link.split('/').pop()!, OPERATOR_PASSWORD, new Date(), h.config.scryptCost);
    expect((await consoleClient(h, { ip: '192.0.2.91' }).signIn(target.email)).status).toBe(303);
  });

  it('never lets an admin demote, disable or reset themselves', async () => {
    await as.admin.get('/admin/operators');
    for (const [path, fields] of [
      ['role', { role: 'viewer' }],
      ['disable', {}],
      ['reset', {}],
    ] as const) {
      const res = await as.admin.post(`/admin/operators/${as.admin.id}/${path}`, fields);
      expect(res.status, path).toBe(409);
      expect(await res.text()).toContain('your own account');
    }
    expect(await findOperatorByRef(h.handle.db, as.admin.id)).toMatchObject({ role: 'admin', disabled_at: null });
  });

  it('keeps an active admin: two admins demoting each other at once, one wins; the last admin is never disabled', async () => {
    const other = await signedIn('admin');
    const by = (id: string) => ({ operatorId: id, ctx: { source: 'console' as const, actor: `operator:${id}` } });
    // Everyone else first: as.admin and other are then the only active admins.
    const outcomes = await Promise.allSettled([
      changeOperatorRole(h.handle.db, other.id, 'viewer', by(as.admin.id)),
      changeOperatorRole(h.handle.db, as.admin.id, 'viewer', by(other.id)),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason.detail).toBe('The console must keep at least one active admin.');
    const survivor = (await findOperatorByRef(h.handle.db, as.admin.id)).role === 'admin' ? as.admin.id : other.id;
    // Even asked by someone else (a stale session, a script), the last active admin stays.
    await expect(disableOperatorAsAdmin(h.handle.db, survivor, by(as.viewer.id))).rejects.toMatchObject({ code: 'conflict' });
    expect((await findOperatorByRef(h.handle.db, survivor)).disabled_at).toBeNull();
  });
});

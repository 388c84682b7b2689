// Operators and a cookie-keeping client for the console's HTTP tests (app.request, no browser).
import { createOperator, setPasswordWithLink } from '../../src/domain/console/operators.js';
import type { OperatorRole } from '../../src/domain/console/roles.js';
import type { Harness } from './harness.js';

export const OPERATOR_PASSWORD = 'correct horse battery staple';

/** An operator with a password set through their own one-time link. */
export async function addOperator(h: Harness, role: OperatorRole, email = `${role}-${Math.random().toString(36).slice(2, 8)}@ops.example`) {
  const { operator, link } = await createOperator(h.handle.db, h.config.publicUrl, { email, role });
  await setPasswordWithLink(h.handle.db, link.split('/').pop()!, OPERATOR_PASSWORD, new Date(), h.config.scryptCost);
  return { ...operator, email };
}

export interface ConsoleClient {
  cookie: string | undefined;
  /** The CSRF token of the last page read. */
  csrf: string | undefined;
  get(path: string): Promise<Response>;
  /** A form POST from the console's own origin, with the CSRF token unless `csrf: null`. */
  post(path: string, fields?: Record<string, string>, opts?: { csrf?: string | null; origin?: string; site?: string }): Promise<Response>;
  signIn(email: string, password?: string): Promise<Response>;
}

export function consoleClient(h: Harness, opts: { ip?: string } = {}): ConsoleClient {
  const origin = new URL(h.config.publicUrl).origin;
  const client: ConsoleClient = {
    cookie: undefined,
    csrf: undefined,
    async get(path) {
      const res = await h.app.request(path, { headers: { ...(client.cookie && { cookie: client.cookie }), ...(opts.ip && { 'x-forwarded-for': opts.ip }) } });
      remember(res);
      if ((res.headers.get('content-type') ?? '').includes('text/html')) {
        const html = await res.clone().text();
        const found = /name="_csrf" value="([^"]*)"/.exec(html);
        if (found) client.csrf = found[1];
      }
      return res;
    },
    async post(path, fields = {}, o = {}) {
      const body = new URLSearchParams(fields);
      const csrf = o.csrf === undefined ? client.csrf : o.csrf;
      if (csrf !== null && csrf !== undefined) body.set('_csrf', csrf);
      const res = await h.app.request(path, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: o.origin ?? origin,
          'sec-fetch-site': o.site ?? 'same-origin',
          ...(client.cookie && { cookie: client.cookie }),
          ...(opts.ip && { 'x-forwarded-for': opts.ip }),
        },
        body: body.toString(),
      });
      remember(res);
      return res;
    },
    async signIn(email, password = OPERATOR_PASSWORD) {
      const res = await client.post('/admin/sign-in', { email, password }, { csrf: null });
      if (res.status === 303) await client.get('/admin');
      return res;
    },
  };
  function remember(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      if (!pair.startsWith('__Host-mailprefs_console=')) continue;
      const value = pair.slice(pair.indexOf('=') + 1);
      client.cookie = value && !/max-age=0/i.test(line) ? pair : undefined;
    }
  }
  return client;
}

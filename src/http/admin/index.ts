// The operator console at /admin (docs/console.md): same origin as the API, the recipient pages' strict
// headers and CSP, one file per screen. Everything but signing in needs a session; what a role may do
// is checked per route (src/domain/console/roles.ts).
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { pageBodyLimit } from '../pages/guard.js';
import { accountPages } from './account.js';
import { broadcastPages } from './broadcasts.js';
import { categoryPages } from './categories.js';
import { categoryArchivePages } from './category-archive.js';
import { adminErrorHandler } from './errors.js';
import { adminGuard, requireSession } from './guard.js';
import { keyPages } from './keys.js';
import { ledgerPages } from './ledger.js';
import { noticePages } from './notices.js';
import { operatorPages } from './operators.js';
import { overviewPages } from './overview.js';
import { recipientPages } from './recipients.js';
import { CONSOLE_JS } from './script.js';
import { signInPages } from './sign-in.js';
import { CONSOLE_CSS } from './styles.js';
import { suppressionPages } from './suppressions.js';
import { webhookPages } from './webhooks.js';

export const admin = new Hono<AppEnv>()
  .use('*', adminGuard, pageBodyLimit)
  .get('/assets/console.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(CONSOLE_CSS);
  })
  .get('/assets/console.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(CONSOLE_JS);
  })
  .route('/', signInPages)
  .use('*', requireSession)
  .route('/', overviewPages)
  .route('/account', accountPages)
  .route('/recipients', recipientPages)
  .route('/categories', categoryArchivePages)
  .route('/categories', categoryPages)
  .route('/suppressions', suppressionPages)
  .route('/notices', noticePages)
  .route('/broadcasts', broadcastPages)
  .route('/webhooks', webhookPages)
  .route('/keys', keyPages)
  .route('/ledger', ledgerPages)
  .route('/operators', operatorPages)
  .onError(adminErrorHandler);

// The pages a recipient reaches from an email (docs/api.md "Pages"). Each group is guarded (headers, no-store,
// body limit); anything a handler throws becomes an HTML page, never problem+json.
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { confirmPages } from './confirm.js';
import { emailChangeConfirmPages, emailChangeRequestPages } from './email-change.js';
import { pageErrorHandler } from './errors.js';
import { pageBodyLimit, pageGuard } from './guard.js';
import { preferencePages } from './preferences.js';
import { privacyActionPages } from './privacy-actions.js';
import { requestLinkPages } from './request-link.js';
import { stepUpPages } from './step-up.js';
import { PAGES_CSS } from './styles.js';
import { unsubscribePages } from './unsubscribe.js';

export const pages = new Hono<AppEnv>()
  .use('/u/*', pageGuard, pageBodyLimit)
  .use('/p/*', pageGuard, pageBodyLimit)
  .use('/c/*', pageGuard, pageBodyLimit)
  .use('/e/*', pageGuard, pageBodyLimit)
  .use('/s/*', pageGuard, pageBodyLimit)
  .route('/u', unsubscribePages)
  .route('/p', requestLinkPages)
  .route('/p', preferencePages)
  .route('/p', privacyActionPages)
  .route('/p', emailChangeRequestPages)
  .route('/c', confirmPages)
  .route('/e', emailChangeConfirmPages)
  .route('/s', stepUpPages)
  .get('/assets/pages.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(PAGES_CSS);
  })
  .onError(pageErrorHandler);

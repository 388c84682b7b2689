// GET /openapi.json and GET /docs, without a key: they describe the API, never its data.
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from './env.js';
import { DOCS_CSS, renderDocsPage } from './openapi/docs-page.js';
import { buildOpenApiDocument } from './openapi/document.js';

const headers = secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], styleSrc: ["'self'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
});

/** Built once per app: the document is a function of the code alone. */
export function apiDocs(version: string): Hono<AppEnv> {
  const doc = buildOpenApiDocument(version);
  const body = JSON.stringify(doc);
  const page = renderDocsPage(doc);
  return new Hono<AppEnv>()
    .get('/openapi.json', (c) => c.body(body, 200, { 'Content-Type': 'application/json; charset=utf-8' }))
    .use('/docs', headers)
    .use('/docs/*', headers)
    .get('/docs', (c) => c.html(page))
    .get('/docs/docs.css', (c) => c.body(DOCS_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' }));
}

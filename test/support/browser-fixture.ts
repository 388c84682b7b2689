// Headless Chromium against the app served on 127.0.0.1, and an axe-core audit, for the browser tests.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import axe from 'axe-core';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Mailer as SystemMail } from '../../src/domain/notices/mailer.js';
import type { TestDialect } from './dialects.js';
import type { Harness } from './harness.js';
import { seededHarness } from './page-fixtures.js';

export interface BrowserRig {
  h: Harness;
  newPage(opts?: { javaScriptEnabled?: boolean; locale?: string; viewport?: { width: number; height: number } }): Promise<Page>;
  /** Serious and critical axe-core violations of the page, as `rule: targets`. */
  audit(page: Page): Promise<string[]>;
  close(): Promise<void>;
}

export async function startBrowserRig(dialect: TestDialect, env: Record<string, string>, mail: SystemMail): Promise<BrowserRig> {
  let fetchApp: (req: Request, env: unknown) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
  const server = serve({ fetch: (req, env) => fetchApp(req, env), port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const h = await seededHarness(dialect, { PUBLIC_URL: `http://127.0.0.1:${port}`, ...env }, mail);
  fetchApp = (req, env) => h.app.fetch(req, env);
  const browser: Browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    h,
    newPage: async (opts = {}) => {
      const context = await browser.newContext({ viewport: opts.viewport ?? { width: 960, height: 900 }, ...opts });
      context.setDefaultTimeout(5_000);
      return context.newPage();
    },
    // Injected over the DevTools protocol, so the page's CSP still applies to the page itself.
    audit: async (page) => {
      await page.evaluate(axe.source);
      const results = await page.evaluate(() => (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] }));
      return results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    },
    close: async () => {
      await browser.close();
      server.close();
      await h.close();
    },
  };
}

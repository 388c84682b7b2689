// The server as a real process in production: JSON log lines on stdout, /metrics without a key on
// METRICS_PORT (and only with one on PORT), /readyz beside /healthz.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, TEST_ENV, testDialects } from '../support/harness.js';
import { findLeaks } from '../support/leaks.js';
import { freePort } from '../support/postgres-cluster.js';
import { startServer } from '../support/processes.js';

describe.each(testDialects())('server process on %s', (dialect) => {
  let database: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    database = await createDatabase(dialect);
  });
  afterAll(() => database.drop());

  it('logs JSON lines in production and serves /metrics without a key on METRICS_PORT only', { timeout: 120_000 }, async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const server = startServer({ ...TEST_ENV, NODE_ENV: 'production', DATABASE_URL: database.url, PORT: String(port), METRICS_PORT: String(metricsPort) });
    try {
      await server.waitFor(/"event":"metrics_listening"/, 60_000);
      await server.waitFor(/"event":"listening"/, 60_000);
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      const token = 'v1.AAAAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBB';
      expect((await fetch(`${base}/u/${token}`, { headers: { 'user-agent': 'ProcessAgent/1.0 (leak-check)' } })).status).toBe(404);

      const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scrape.status).toBe(200);
      const text = await scrape.text();
      expect(text).toMatch(/^mailprefs_http_requests_total\{method="GET",route="\/readyz",status="200"\} 1$/m);
      expect(text).toMatch(/^mailprefs_http_requests_total\{method="GET",route="\/u\/:token",status="404"\} 1$/m);
      expect(text).toContain('# TYPE process_cpu_seconds_total counter');
      expect((await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status).toBe(404);

      await server.waitFor(/"route":"\/u\/:token"/, 10_000);
      const lines = server
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const requests = lines.filter((l) => l.event === 'request');
      expect(requests.map((l) => [l.route, l.status])).toEqual([
        ['/readyz', 200],
        ['/metrics', 401],
        ['/u/:token', 404],
      ]);
      expect(requests[1]).toMatchObject({ level: 'info', method: 'GET', code: 'unauthorized', requestId: expect.any(String), durationMs: expect.any(Number) });
      expect(findLeaks(server.output(), [token, 'ProcessAgent/1.0 (leak-check)', TEST_ENV.HASH_KEY])).toEqual([]);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});

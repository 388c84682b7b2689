// Over a real socket: a client that stops reading the answer must stop the server reading the question,
// or an unbounded NDJSON body would pile up in memory on one side or the other.
import { type ClientRequest, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCategory } from '../../src/domain/recipients/categories.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

describe.each(testDialects())('NDJSON backpressure over HTTP on %s', (dialect) => {
  let h: Harness;
  let server: ServerType;
  let port: number;
  beforeAll(async () => {
    h = await makeHarness(dialect);
    await createCategory(h.handle.db, { key: 'news', name: 'News', kind: 'marketing' });
    server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  });

  it('stops taking input while the answer is not read', async () => {
    const line = Buffer.from('"someone-who-is-not-known@example.com"\n'.repeat(1000));
    let written = 0;
    let req: ClientRequest | undefined;
    let status = 0;
    const stalled = await new Promise<boolean>((resolve) => {
      req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/eligibility',
        headers: { authorization: `Bearer ${h.adminKey}`, 'content-type': 'application/x-ndjson' },
      });
      req.on('response', (res) => {
        status = res.statusCode ?? 0;
        res.pause(); // never read the answer
      });
      req.on('error', () => {});
      req.write('{"category":"news"}\n');
      let lastProgress = performance.now();
      const pump = () => {
        while (req!.write(line)) written += line.length;
        written += line.length;
        lastProgress = performance.now();
      };
      req.on('drain', pump);
      pump();
      const started = performance.now();
      const check = setInterval(() => {
        const now = performance.now();
        if (now - lastProgress > 1500 && written > 1e6) finish(true);
        else if (now - started > 20_000) finish(false);
      }, 100);
      const finish = (result: boolean) => {
        clearInterval(check);
        resolve(result);
      };
    });
    req!.destroy();
    expect(status).toBe(200);
    expect(stalled).toBe(true);
    // Socket buffers on both sides hold some megabytes; far less than the client was ready to send.
    expect(written).toBeLessThan(200e6);
  });
});

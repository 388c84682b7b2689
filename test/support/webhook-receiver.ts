// A webhook receiver on 127.0.0.1 that records what it is sent and answers as the test says.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  /** Path and query the request was sent to. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; timestamp: string; data: Record<string, unknown> };
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Decides the answer to each request: a status (or a promise of one: answered once it settles), or 'hang' to never answer. Default 204. */
  respond: (r: Received, index: number) => number | 'hang' | Promise<number>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const hanging = new Set<import('node:http').ServerResponse>();
  const receiver: Receiver = {
    url: '',
    received: [],
    respond: () => 204,
    close: () =>
      new Promise((done) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const r: Received = { path: req.url ?? '', headers: req.headers, body, json: JSON.parse(body) };
      const index = receiver.received.push(r) - 1;
      const answer = receiver.respond(r, index);
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      if (typeof answer === 'number') res.writeHead(answer).end();
      else void answer.then((status) => res.writeHead(status).end());
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  (receiver as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}

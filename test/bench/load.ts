// (b) A small keep-alive HTTP/1.1 load generator on raw sockets: each connection sends a GET, reads
// one Content-Length response, sends the next. Far cheaper per request than http.request, so the
// server under test, not the client, is what gets measured.
import { connect, type Socket } from 'node:net';

export interface Load {
  requests: number;
  failures: number;
  seconds: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

export async function load(port: number, requests: readonly string[], connections: number, seconds: number): Promise<Load> {
  const payloads = requests.map((r) => Buffer.from(r));
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let done = 0;
  let failures = 0;
  let next = 0;
  const runOne = () =>
    new Promise<void>((resolve, reject) => {
      const socket: Socket = connect(port, '127.0.0.1');
      socket.setNoDelay(true);
      let buffer = Buffer.alloc(0);
      const send = () => socket.write(payloads[next++ % payloads.length]!);
      socket.on('connect', send);
      socket.on('data', (data) => {
        buffer = buffer.length === 0 ? data : Buffer.concat([buffer, data]);
        for (;;) {
          const end = buffer.indexOf(HEADER_END);
          if (end === -1) return;
          const head = buffer.toString('latin1', 0, end);
          const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? NaN);
          if (Number.isNaN(length)) return reject(new Error('response without Content-Length'));
          if (buffer.length < end + 4 + length) return;
          if (head.startsWith('HTTP/1.1 200')) done++;
          else failures++;
          buffer = buffer.subarray(end + 4 + length);
          if (performance.now() < deadline) send();
          else return void socket.end(resolve);
        }
      });
      socket.on('error', reject);
    });
  await Promise.all(Array.from({ length: connections }, runOne));
  return { requests: done, failures, seconds: (performance.now() - started) / 1000 };
}

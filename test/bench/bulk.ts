// (a) Bulk eligibility: NDJSON over real HTTP beside raw better-sqlite3 lookups of the same addresses.

import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import SQLite from 'better-sqlite3';
import { SQLITE_MMAP_BYTES } from '../../src/db/database.js';
import { ELIGIBILITY_CHUNK } from '../../src/domain/eligibility/check-eligibility.js';

export interface Measured {
  seconds: number;
  count: number;
  /** Addresses found eligible (raw: recipients subscribed and not suppressed), as a cross-check. */
  eligible: number;
}

/** How the raw lookup binds a chunk: a prepared IN-list of ? per address, or one JSON array (json_each). */
export type RawShape = 'in-list' | 'json_each';

/**
 * The floor: the same facts the service gathers (recipient with subscription, suppressions) with raw
 * better-sqlite3, statements prepared once, ELIGIBILITY_CHUNK addresses at a time.
 */
export function rawLookup(path: string, categoryId: string, emails: readonly string[], shape: RawShape): Measured {
  const db = new SQLite(path, { readonly: true });
  // The same memory-mapped reads as the service's own connection (src/db/database.ts), so the floor is like for like.
  db.pragma(`mmap_size = ${SQLITE_MMAP_BYTES}`);
  const statements = new Map<number, { recipients: SQLite.Statement; suppressions: SQLite.Statement }>();
  const prepared = (n: number) => {
    let s = statements.get(n);
    if (!s) {
      const from = shape === 'in-list' ? '' : 'json_each(?) j join ';
      const where = (column: string) => (shape === 'in-list' ? `where ${column} in (${new Array(n).fill('?').join(',')})` : '');
      const on = (column: string) => (shape === 'in-list' ? '' : ` on ${column} = j.value`);
      s = {
        recipients: db.prepare(
          `select r.email_normalized, s.status from ${from}recipients r${on('r.email_normalized')} left join subscriptions s on s.recipient_id = r.id and s.category_id = ? ${where('r.email_normalized')}`,
        ),
        suppressions: db.prepare(`select x.email_normalized from ${from}suppressions x${on('x.email_normalized')} ${where('x.email_normalized')}`),
      };
      statements.set(n, s);
    }
    return s;
  };
  const started = performance.now();
  let eligible = 0;
  for (let i = 0; i < emails.length; i += ELIGIBILITY_CHUNK) {
    const chunk = emails.slice(i, i + ELIGIBILITY_CHUNK);
    const { recipients, suppressions } = prepared(shape === 'in-list' ? chunk.length : 0);
    const json = shape === 'json_each' ? JSON.stringify(chunk) : '';
    const found = (shape === 'in-list' ? suppressions.all(...chunk) : suppressions.all(json)) as Array<{ email_normalized: string }>;
    const suppressed = new Set(found.map((r) => r.email_normalized));
    const rows = (shape === 'in-list' ? recipients.all(categoryId, ...chunk) : recipients.all(json, categoryId)) as Array<{
      email_normalized: string;
      status: string | null;
    }>;
    for (const r of rows) if (r.status === 'subscribed' && !suppressed.has(r.email_normalized)) eligible++;
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { seconds, count: emails.length, eligible };
}

/** Streams the addresses as NDJSON to a running server and reads the answer as it comes. */
export async function ndjsonOverHttp(port: number, key: string, category: string, emails: readonly string[], timeoutMs: number): Promise<Measured> {
  // Encoded before the clock starts, so the client's own work is writing buffers and counting lines.
  const chunks: Buffer[] = [Buffer.from(`${JSON.stringify({ category })}\n`)];
  for (let i = 0; i < emails.length; i += 2000)
    chunks.push(
      Buffer.from(
        emails
          .slice(i, i + 2000)
          .map((e) => `"${e}"\n`)
          .join(''),
      ),
    );

  const started = performance.now();
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/v1/eligibility',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
    signal: AbortSignal.timeout(timeoutMs),
    // A fresh connection: a pooled one may have passed the server's keep-alive timeout between rounds.
    agent: false,
  });
  const answered = new Promise<{ count: number; eligible: number }>((resolve, reject) => {
    req.on('response', (res) => {
      if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
      let count = 0;
      let eligible = 0;
      let tail = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        const all = tail + text;
        const last = all.lastIndexOf('\n');
        for (let at = all.indexOf('\n'); at !== -1 && at <= last; at = all.indexOf('\n', at + 1)) count++;
        for (let at = all.indexOf('"eligible":true'); at !== -1 && at < last; at = all.indexOf('"eligible":true', at + 1)) eligible++;
        tail = all.slice(last + 1);
      });
      res.on('end', () => resolve({ count, eligible }));
      res.on('error', (err) => reject(new Error(`answer broke after ${count} lines: ${err.message}`)));
    });
    req.on('error', (err) => reject(new Error(`request broke: ${err.message}`)));
  });
  // A failed request rejects `answered`; writing stops there instead of waiting for a drain.
  const failed = answered.then(
    () => false,
    () => true,
  );
  for (const chunk of chunks) {
    if (!req.write(chunk) && (await Promise.race([once(req, 'drain').then(() => false), failed]))) break;
  }
  req.end();
  const { count, eligible } = await answered;
  return { seconds: (performance.now() - started) / 1000, count, eligible };
}

/**
 * Streams `lines` addresses (cycling through `emails`) as NDJSON, encoding as it goes so the client holds
 * only a chunk; stops writing at the deadline. Answers the lines answered and the time taken.
 */
export async function ndjsonStreamed(port: number, key: string, category: string, emails: readonly string[], lines: number, deadlineMs: number) {
  const started = performance.now();
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/v1/eligibility',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
    agent: false,
  });
  const answered = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      let count = 0;
      res.on('data', (b: Buffer) => {
        for (let at = b.indexOf(10); at !== -1; at = b.indexOf(10, at + 1)) count++;
      });
      res.on('end', () => resolve(count));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  req.write(`${JSON.stringify({ category })}\n`);
  let sent = 0;
  while (sent < lines && performance.now() - started < deadlineMs) {
    const n = Math.min(2000, lines - sent);
    let text = '';
    for (let i = 0; i < n; i++) text += `"${emails[(sent + i) % emails.length]}"\n`;
    sent += n;
    if (!req.write(text)) await once(req, 'drain');
  }
  req.end();
  const count = await answered;
  return { sent, count, seconds: (performance.now() - started) / 1000 };
}

/** Samples a process's resident memory (all, and anonymous: the heap and buffers, not the file map) every 50 ms. */
export function sampleRss(pid: number): () => { peakRssMb: number; peakAnonMb: number } {
  let peakRss = 0;
  let peakAnon = 0;
  const timer = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      peakRss = Math.max(peakRss, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
      peakAnon = Math.max(peakAnon, Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // the process is gone
    }
  }, 50);
  return () => {
    clearInterval(timer);
    return { peakRssMb: peakRss / 1024, peakAnonMb: peakAnon / 1024 };
  };
}

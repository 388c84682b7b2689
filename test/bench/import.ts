// The import benchmark's parts (integrations.ts runs them): a generated CSV streamed to POST /v1/imports
// over real HTTP while the server's CPU and memory are read from /proc, and the floor beside it: raw
// better-sqlite3 / raw pg writing the same rows (recipient, subscriptions, ledger events) with no checks.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { newId, nowIso } from '../../src/core/ids.js';

/** Per row: `news` subscribed; every third row also unsubscribes from `tips` (so 1⅓ subscriptions and events a row). */
export function* csvChunks(rows: number, from = 0): Generator<string> {
  yield 'email,externalId,subscription:news,subscription:tips,consentedAt,consentSource\n';
  for (let i = from; i < from + rows; i += 1000) {
    let chunk = '';
    for (let j = i; j < Math.min(from + rows, i + 1000); j++) {
      chunk += `person${j}@example.com,u-${j},subscribed,${j % 3 === 0 ? 'unsubscribed' : ''},2020-01-01T00:00:00Z,legacy\n`;
    }
    yield chunk;
  }
}

export interface ProcessStat {
  cpuSeconds: number;
  rssMb: number;
  anonMb: number;
  /** VmHWM: the highest RSS the process has had. */
  peakRssMb: number;
}

export function processStat(pid: number): ProcessStat {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  // utime and stime are fields 14 and 15 of /proc/PID/stat, in clock ticks (100 a second on Linux).
  return { cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100, rssMb: kb('VmRSS'), anonMb: kb('RssAnon'), peakRssMb: kb('VmHWM') };
}

export interface ImportRun {
  rows: number;
  seconds: number;
  serverCpuSeconds: number;
  /** The server's memory when this many results had come back (100,000 and the end, where reached). */
  memory: { atRows: number; seconds: number; stat: ProcessStat }[];
  summary: Record<string, unknown> | undefined;
}

/** Streams `rows` generated CSV rows to POST /v1/imports and reads the answer as it comes. */
export function importOverHttp(port: number, key: string, pid: number, rows: number, from = 0, checkpoints = [100_000]): Promise<ImportRun> {
  return new Promise((resolve, reject) => {
    const before = processStat(pid);
    const started = performance.now();
    const memory: ImportRun['memory'] = [];
    const pending = [...checkpoints];
    let lines = 0;
    let tail = '';
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/imports',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        for (let at = chunk.indexOf('\n'); at !== -1; at = chunk.indexOf('\n', at + 1)) lines++;
        tail = (tail + chunk).slice(-400);
        while (pending.length && lines >= pending[0]!)
          memory.push({ atRows: pending.shift()!, seconds: (performance.now() - started) / 1000, stat: processStat(pid) });
      });
      res.on('end', () => {
        const last = tail.trim().split('\n').at(-1) ?? '';
        const summary = last.startsWith('{"summary"') ? (JSON.parse(last) as { summary: Record<string, unknown> }).summary : undefined;
        const after = processStat(pid);
        const seconds = (performance.now() - started) / 1000;
        memory.push({ atRows: rows, seconds, stat: after });
        resolve({ rows, seconds, serverCpuSeconds: after.cpuSeconds - before.cpuSeconds, memory, summary });
      });
      res.on('error', reject);
    });
    const chunks = csvChunks(rows, from);
    const pump = () => {
      for (let next = chunks.next(); !next.done; next = chunks.next()) if (!req.write(next.value)) return void req.once('drain', pump);
      req.end();
    };
    pump();
  });
}

export interface RawRun {
  rows: number;
  seconds: number;
  cpuSeconds: number;
}

const EVENT_DETAIL = JSON.stringify({ from: null, to: 'subscribed', imported: true, consentedAt: '2020-01-01T00:00:00Z', consentSource: 'legacy' });
const HASH = 'f'.repeat(64);

/** The same rows as csvChunks, as the database rows an import writes: [recipient, subscriptions, events]. */
function rowsOf(i: number, categories: { news: string; tips: string }, at: string) {
  const id = newId();
  const subs: [string, string, string][] = [[id, categories.news, 'subscribed']];
  if (i % 3 === 0) subs.push([id, categories.tips, 'unsubscribed']);
  return { recipient: [id, `person${i}@example.com`, `person${i}@example.com`, `u-${i}`, null, 0, at, at], subs, at };
}

/** Raw better-sqlite3 on a migrated file: prepared inserts, a transaction per 1,000 rows, no reads or checks. */
export function rawSqliteImport(path: string, categories: { news: string; tips: string }, rows: number, from = 0): RawRun {
  const db = new SQLite(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const recipient = db.prepare(
    'insert into recipients (id, email, email_normalized, external_id, locale, marketing_opt_out, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const subscription = db.prepare('insert into subscriptions (recipient_id, category_id, status, source, updated_at) values (?, ?, ?, ?, ?)');
  const event = db.prepare(
    'insert into consent_events (id, seq, type, recipient_id, category_key, source, actor, ip, user_agent, detail, at, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  let seq = Number((db.prepare('select coalesce(max(seq), 0) as s from consent_events').get() as { s: number }).s);
  const at = nowIso();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const batch = db.transaction((first: number, last: number) => {
    for (let i = first; i < last; i++) {
      const r = rowsOf(i, categories, at);
      recipient.run(...r.recipient);
      for (const [rid, cid, status] of r.subs) {
        subscription.run(rid, cid, status, 'import', at);
        event.run(newId(), ++seq, status, rid, cid === categories.news ? 'news' : 'tips', 'import', 'bench', null, null, EVENT_DETAIL, at, HASH, HASH);
      }
    }
  });
  for (let i = from; i < from + rows; i += 1000) batch(i, Math.min(from + rows, i + 1000));
  const used = process.cpuUsage(cpu);
  db.close();
  return { rows, seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** Raw pg: each 1,000 rows as three `insert … select from unnest($1::text[], …)` in one transaction. */
export async function rawPgImport(url: string, categories: { news: string; tips: string }, rows: number, from = 0): Promise<RawRun> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let seq = Number((await client.query<{ s: string }>('select coalesce(max(seq), 0) as s from consent_events')).rows[0]!.s);
  const at = nowIso();
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = from; i < from + rows; i += 1000) {
    const recipients: unknown[][] = [[], [], [], []];
    const subs: unknown[][] = [[], [], []];
    const events: unknown[][] = [[], [], [], [], []];
    for (let j = i; j < Math.min(from + rows, i + 1000); j++) {
      const r = rowsOf(j, categories, at);
      for (const [k, v] of [r.recipient[0], r.recipient[1], r.recipient[2], r.recipient[3]].entries()) recipients[k]!.push(v);
      for (const [rid, cid, status] of r.subs) {
        subs[0]!.push(rid);
        subs[1]!.push(cid);
        subs[2]!.push(status);
        for (const [k, v] of [newId(), ++seq, status, rid, cid === categories.news ? 'news' : 'tips'].entries()) events[k]!.push(v);
      }
    }
    await client.query('begin');
    await client.query(
      `insert into recipients (id, email, email_normalized, external_id, locale, marketing_opt_out, created_at, updated_at)
       select id, e, e2, x, null, 0, $5, $5 from unnest($1::text[], $2::text[], $3::text[], $4::text[]) as t(id, e, e2, x)`,
      [...recipients, at],
    );
    await client.query(
      `insert into subscriptions (recipient_id, category_id, status, source, updated_at)
       select r, c, s, 'import', $4 from unnest($1::text[], $2::text[], $3::text[]) as t(r, c, s)`,
      [...subs, at],
    );
    await client.query(
      `insert into consent_events (id, seq, type, recipient_id, category_key, source, actor, ip, user_agent, detail, at, prev_hash, hash)
       select id, seq, ty, r, k, 'import', 'bench', null, null, $6, $7, $8, $8 from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[]) as t(id, seq, ty, r, k)`,
      [...events, EVENT_DETAIL, at, HASH],
    );
    await client.query('commit');
  }
  const used = process.cpuUsage(cpu);
  await client.end();
  return { rows, seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

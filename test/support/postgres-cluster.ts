// Vitest global setup: a throwaway PostgreSQL cluster in a temp dir on 127.0.0.1 and a random port,
// started once per run with initdb/pg_ctl and removed afterwards. As root (CI), it runs as `postgres`,
// since initdb refuses root.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { testDialects } from './dialects.js';
import { createPostgresTemplate, createSqliteTemplate } from './migrated-template.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
    /** A migrated SQLite file that test databases are copies of (test/support/migrated-template.ts). */
    sqliteTemplate: string;
  }
}

function pgBin(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(':')) if (existsSync(join(dir, name))) return join(dir, name);
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort().reverse() : [];
  for (const v of versions) if (existsSync(`/usr/lib/postgresql/${v}/bin/${name}`)) return `/usr/lib/postgresql/${v}/bin/${name}`;
  throw new Error(`${name} not found: install PostgreSQL (Debian: apt-get install postgresql) or set MAILPREFS_TEST_DIALECTS=sqlite`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** A throwaway cluster in a temp dir on 127.0.0.1 and a free port (the tests' and the benchmark's). */
export async function startPostgresCluster(): Promise<{ url: string; stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'mailprefs-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (bin: string, args: string[]) => {
    const cmd = asRoot ? 'runuser' : pgBin(bin);
    const full = asRoot ? ['-u', 'postgres', '--', pgBin(bin), ...args] : args;
    execFileSync(cmd, full, { stdio: 'pipe' });
  };
  if (asRoot)
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  // fsync off: a test cluster need not survive a power cut, and it makes the suite much faster.
  run('pg_ctl', [
    '-D',
    data,
    '-w',
    '-l',
    join(dir, 'log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`,
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export default async function setup(project: TestProject) {
  const dialects = testDialects();
  const sqlite = dialects.includes('sqlite') ? await createSqliteTemplate() : undefined;
  if (sqlite) project.provide('sqliteTemplate', sqlite.file);
  const cluster = dialects.includes('postgres') ? await startPostgresCluster() : undefined;
  if (cluster) {
    project.provide('pgUrl', cluster.url);
    await createPostgresTemplate(cluster.url);
  }
  return () => {
    sqlite?.remove();
    cluster?.stop();
  };
}

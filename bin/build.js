#!/usr/bin/env node
// `npm run build`, and the staleness check `npm start` and `mailprefs` run first: dist/ is rebuilt when it
// is missing or older than any file in src/, migrations/ or the tsconfigs (docs/operations.md).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json'];
// Written last, so a build that died half way is never taken for a finished one.
const STAMP = '.built';
// A lock older than this is taken for one left by a killed build (a build takes seconds).
const STALE_LOCK_MS = 5 * 60_000;

function newestMtime(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path, { recursive: true })) newest = Math.max(newest, statSync(join(path, entry)).mtimeMs);
  return newest;
}

/** True when `root/dist` is missing, unfinished, or older than a source file. */
export function isStale(root = ROOT) {
  const stamp = statSync(join(root, 'dist', STAMP), { throwIfNoEntry: false });
  if (!stamp) return true;
  return SOURCES.some((source) => newestMtime(join(root, source)) > stamp.mtimeMs);
}

function compile(root, outDir) {
  const require = createRequire(join(root, 'package.json'));
  let tsc;
  try {
    const pkg = require.resolve('typescript/package.json');
    tsc = join(dirname(pkg), require(pkg).bin.tsc);
  } catch {
    throw new Error('dist/ is missing or out of date and TypeScript is not installed: run `npm ci --include=dev && npm run build`');
  }
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir], { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) throw new Error(`the build failed (tsc exit ${result.status ?? result.signal})`);
}

function withLock(root, fn) {
  const lock = join(root, '.dist-build.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      // Another process is building (two entry points started at once): wait for it, without a busy loop.
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds into a fresh folder and swaps it in, so a deleted source leaves no orphan behind in dist/. */
export function build(root = ROOT) {
  withLock(root, () => buildLocked(root));
}

/** Builds when stale; a second process that waited on the lock finds the build done and returns. */
export function ensureBuilt(root = ROOT) {
  if (!isStale(root)) return false;
  return withLock(root, () => {
    if (!isStale(root)) return false;
    buildLocked(root);
    return true;
  });
}

function buildLocked(root) {
  const next = join(root, '.dist-next');
  // The stamp carries the time the build began: a source saved while tsc runs makes the next start rebuild.
  const began = new Date();
  rmSync(next, { recursive: true, force: true });
  compile(root, next);
  writeFileSync(join(next, STAMP), `${began.toISOString()}\n`);
  utimesSync(join(next, STAMP), began, began);
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  renameSync(next, join(root, 'dist'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    build();
  } catch (err) {
    console.error(`mailprefs build: ${err.message}`);
    process.exit(1);
  }
}

import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt, isStale } from '../../bin/build.js';

// When `npm start` and the bin rebuild dist/: every time is set explicitly, none read from the clock.
const SOURCES = ['src/server.ts', 'src/domain/notices/deep/file.ts', 'migrations/index.ts', 'tsconfig.json', 'tsconfig.build.json'];
const EARLY = new Date('2026-01-01T00:00:00Z');
const BUILT = new Date('2026-01-02T00:00:00Z');
const LATER = new Date('2026-01-03T00:00:00Z');

describe('isStale', () => {
  let root = '';
  const touch = (path: string, at: Date) => utimesSync(join(root, path), at, at);
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mailprefs-build-'));
    for (const file of SOURCES) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), '');
    }
    // Children before their folders: writing a file moves its folder's time.
    for (const path of [...SOURCES, 'src/domain/notices/deep', 'src/domain/notices', 'src/domain', 'src', 'migrations']) touch(path, EARLY);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const stamp = () => {
    mkdirSync(join(root, 'dist'), { recursive: true });
    writeFileSync(join(root, 'dist/.built'), '');
    touch('dist/.built', BUILT);
  };

  it('is stale without dist/, and with a dist/ whose build never finished (no stamp)', () => {
    expect(isStale(root)).toBe(true);
    mkdirSync(join(root, 'dist/src'), { recursive: true });
    writeFileSync(join(root, 'dist/src/server.js'), '');
    expect(isStale(root)).toBe(true);
  });

  it('is fresh when the build is newer than every source', () => {
    stamp();
    expect(isStale(root)).toBe(false);
  });

  it.each(SOURCES)('is stale once %s is newer than the build', (file) => {
    stamp();
    touch(file, LATER);
    expect(isStale(root)).toBe(true);
  });

  it('is stale when a source was deleted (its folder changed) after the build', () => {
    stamp();
    touch('src/domain', LATER);
    expect(isStale(root)).toBe(true);
  });

  it('ensureBuilt leaves a fresh build alone and names the fix when it must build without TypeScript', () => {
    stamp();
    expect(ensureBuilt(root)).toBe(false);
    touch('src/server.ts', LATER);
    expect(() => ensureBuilt(root)).toThrow(/TypeScript is not installed: run `npm ci --include=dev && npm run build`/);
  });
});

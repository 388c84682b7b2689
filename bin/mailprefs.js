#!/usr/bin/env node
// The package's `bin`: the compiled CLI, in this one process, built first when dist/ is stale (bin/build.js).
import { ensureBuilt } from './build.js';

try {
  // stderr, never stdout: `keys create --json` prints one JSON line a script may parse.
  if (ensureBuilt()) console.error('mailprefs: built dist/ from src/');
} catch (err) {
  console.error(`mailprefs: ${err.message}`);
  process.exit(2);
}
await import('../dist/src/cli.js');

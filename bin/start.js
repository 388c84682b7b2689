#!/usr/bin/env node
// `npm start`: the compiled server, in this one process, built first when dist/ is stale (bin/build.js).
import { ensureBuilt } from './build.js';

try {
  if (ensureBuilt()) console.error('mailprefs: built dist/ from src/');
} catch (err) {
  console.error(`mailprefs cannot start: ${err.message}`);
  process.exit(1);
}
await import('../dist/src/server.js');

// The structured log (docs/operations.md "Logs"): pino, one JSON object a line in production, a short
// readable line in development. Built once by the entry point and handed down; never a module singleton.
import { type DestinationStream, type Logger, pino } from 'pino';
import type { Config } from '../config.js';
import { prettyLine } from './pretty-log.js';

export type { Logger };

// Defence in depth only: nothing we log carries these fields, and the privacy test proves it
// (test/observability/log-privacy.test.ts); if one ever slips into a call, its value never leaves.
const NEVER_LOGGED = ['email', 'to', 'address', 'token', 'key', 'authorization', 'ip', 'userAgent', 'secret'];

/** `destination` defaults to stdout; tests pass an in-memory stream. */
export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>, destination?: DestinationStream): Logger {
  const out = destination ?? process.stdout;
  return pino(
    {
      level: config.logLevel,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...NEVER_LOGGED, ...NEVER_LOGGED.map((f) => `*.${f}`)], censor: '[redacted]' },
    },
    config.logFormat === 'pretty' ? { write: (line: string) => void out.write(prettyLine(line)) } : out,
  );
}

/** A logger that writes nothing: the default of an app built without one (tests, scripts). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

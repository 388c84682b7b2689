// A logger that writes into memory, for tests that read what would have been logged.
import type { Config } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/observability/logger.js';

export interface LogCapture {
  readonly logger: Logger;
  /** Every line written so far, raw, as the production log would hold it. */
  text(): string;
  /** Every line parsed. */
  entries(): Record<string, unknown>[];
  /** The first line, already written or still to come, that `match` accepts: a wait on an event, not on a time. */
  next(match: (entry: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

export function captureLogs(level: Config['logLevel'] = 'debug', format: Config['logFormat'] = 'json'): LogCapture {
  const chunks: string[] = [];
  const listeners = new Set<(line: string) => void>();
  const write = (line: string) => {
    chunks.push(line);
    for (const listen of listeners) listen(line);
  };
  const logger = createLogger({ logLevel: level, logFormat: format }, { write });
  const text = () => chunks.join('');
  const parse = (l: string) => JSON.parse(l) as Record<string, unknown>;
  const entries = () => text().split('\n').filter(Boolean).map(parse);
  return {
    logger,
    text,
    entries,
    next: (match) => {
      const seen = entries().find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => {
        const listen = (line: string) => {
          const entry = parse(line);
          if (!match(entry)) return;
          listeners.delete(listen);
          resolve(entry);
        };
        listeners.add(listen);
      });
    },
  };
}

import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { ConsentContext } from '../core/vocabulary.js';
import type { Database } from '../db/schema.js';
import type { ApiKeyCache } from '../domain/access/api-key-cache.js';
import type { Scope } from '../domain/access/api-keys.js';
import type { ConsoleSession } from '../domain/console/sessions.js';
import type { MailQueue } from '../domain/notices/mail-queue.js';
import type { Mailer } from '../domain/notices/mailer.js';
import type { NoticeRuntime } from '../domain/notices/runtime.js';
import type { Telemetry } from '../domain/operations/telemetry.js';
import type { CategoryCache } from '../domain/recipients/category-cache.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

/** What the app is built from: configuration plus the handles it talks to. */
export interface Deps {
  readonly config: Config;
  readonly db: Kysely<Database>;
  /** createApp builds the default from the notice runtime when none is given; pages answer the same either way. */
  readonly systemMail?: Mailer;
  /** Templates and transport for notices; createApp builds the default (Resend or dev outbox) from config. */
  readonly notices?: NoticeRuntime;
  /** Recently verified API keys (the server passes one; without it every request reads the database). */
  readonly apiKeyCache?: ApiKeyCache;
  /** Recently read categories for eligibility (the server passes one; without it every request reads them). */
  readonly categoryCache?: CategoryCache;
  /** The server's; background work registers with it and streams end when it says cut (src/core/lifecycle.ts). */
  readonly lifecycle?: Lifecycle;
  /** Where pages hand mail after answering; createApp makes one when none is given. */
  readonly mailQueue?: MailQueue;
  /** Where request lines and events go (docs/operations.md "Logs"); createApp's default writes nothing. */
  readonly logger?: Logger;
  /** This app's series for /metrics; createApp makes a fresh registry when none is given. */
  readonly metrics?: Metrics;
}

export type AppEnv = {
  Variables: {
    deps: Deps;
    apiKeyId: string;
    /** The scopes of the request's API key (set by requireScope). */
    apiKeyScopes: readonly Scope[];
    notices: NoticeRuntime;
    /** Mail handed on after the answer (src/domain/notices/mail-queue.ts). */
    mailQueue: MailQueue;
    /** The signed-in operator's session, under /admin. */
    session: ConsoleSession;
    logger: Logger;
    metrics: Metrics;
    telemetry: Telemetry;
    /** From a well-formed X-Request-Id, or made here; echoed in the response and every line logged for it. */
    requestId: string;
    /** The problem code of an error answer, for the request's log line. */
    errorCode: string;
    /** Set by the not-found handler: no route matched, so the log names no pattern (the raw path may hold a token). */
    unmatched: boolean;
  };
};

/** The consent context of a change made through the API with the current key. */
export function apiActor(apiKeyId: string): Pick<ConsentContext, 'actor'> {
  return { actor: `key:${apiKeyId}` };
}

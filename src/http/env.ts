import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import type { NoticeRuntime } from '../domain/notices/runtime.js';
import type { ApiKeyCache } from '../domain/api-key-cache.js';
import type { CategoryCache } from '../domain/category-cache.js';
import type { ConsentContext } from '../domain/types.js';

/**
 * Mail that mailprefs sends on its own behalf, on a person's request: a fresh preferences link (the `/p`
 * form), a double opt-in confirmation and an email change link. The notices module implements it over the real transport.
 */
export interface SystemMail {
  sendPreferencesLink(recipientId: string, preferencesUrl: string): Promise<void>;
  sendConfirmation(recipientId: string, categoryKey: string, confirmUrl: string): Promise<void>;
  /** Mailed to the NEW address: whoever reads it there confirms the change (src/domain/email-change.ts). */
  sendEmailChangeLink(recipientId: string, newEmail: string, confirmUrl: string): Promise<void>;
}

/** What the app is built from: configuration plus the handles it talks to. */
export interface Deps {
  readonly config: Config;
  readonly db: Kysely<Database>;
  /** createApp builds the default from the notice runtime when none is given; pages answer the same either way. */
  readonly systemMail?: SystemMail;
  /** Templates and transport for notices; createApp builds the default (Resend or dev outbox) from config. */
  readonly notices?: NoticeRuntime;
  /** Recently verified API keys (the server passes one; without it every request reads the database). */
  readonly apiKeyCache?: ApiKeyCache;
  /** Recently read categories for eligibility (the server passes one; without it every request reads them). */
  readonly categoryCache?: CategoryCache;
}

export type AppEnv = {
  Variables: {
    deps: Deps;
    apiKeyId: string;
    notices: NoticeRuntime;
  };
};

/** The consent context of a change made through the API with the current key. */
export function apiActor(apiKeyId: string): Pick<ConsentContext, 'actor'> {
  return { actor: `key:${apiKeyId}` };
}

import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import type { ConsentContext } from '../domain/types.js';

/** What the app is built from: configuration plus the handles it talks to. */
export interface Deps {
  readonly config: Config;
  readonly db: Kysely<Database>;
}

export type AppEnv = {
  Variables: {
    deps: Deps;
    apiKeyId: string;
  };
};

/** The consent context of a change made through the API with the current key. */
export function apiActor(apiKeyId: string): Pick<ConsentContext, 'actor'> {
  return { actor: `key:${apiKeyId}` };
}

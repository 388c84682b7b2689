// Start-up shared by the server and the CLI: configuration, database, migrations.
import { type Config, parseConfig } from './config.js';
import { type DatabaseHandle, openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { loadOrCreateDevSecrets } from './dev-secrets.js';

/** `warn` hears what start-up should mention (the server hands it to its log; the CLI prints it). */
export function loadConfig(env: NodeJS.ProcessEnv, warn: (message: string) => void = (m) => console.warn(`warning: ${m}`)): Config {
  const production = env.NODE_ENV === 'production';
  const needsDevSecrets = !production && (!env.SIGNING_KEYS || !env.HASH_KEY);
  if (!needsDevSecrets) return parseConfig(env);
  const { secrets, created } = loadOrCreateDevSecrets(env.DATA_DIR ?? './data');
  if (!env.SIGNING_KEYS) {
    warn(`SIGNING_KEYS is not set; using a development key ${created ? 'generated now and ' : ''}kept in ${env.DATA_DIR ?? './data'}/dev-secrets.json`);
  }
  return parseConfig(env, secrets);
}

export async function openAndMigrate(config: Config): Promise<DatabaseHandle> {
  const handle = openDatabase(config.databaseUrl, { sqliteSynchronous: config.sqliteSynchronous, checkpointInBackground: true });
  await migrateToLatest(handle.db);
  return handle;
}

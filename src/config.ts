// Configuration is read from the environment once, here, into a frozen object. Nothing below
// src/server.ts and src/cli.ts reads process.env. A bad value stops start-up with the variable's name.

export interface SigningKey {
  readonly kid: string;
  readonly secret: string;
}

export interface Config {
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly dataDir: string;
  readonly publicUrl: string;
  /** The first key signs; every key verifies (rotation). */
  readonly signingKeys: readonly SigningKey[];
  /** Server secret for keyed hashes of erased addresses (never a bare hash: docs/standards.md "Suppression after erasure"). */
  readonly hashKey: string;
  readonly resendApiKey: string | undefined;
  readonly resendBaseUrl: string | undefined;
  readonly resendWebhookSecret: string | undefined;
  /** Provider calls per second at most (Resend's default team limit is 2). */
  readonly resendMaxRps: number;
  readonly mailFrom: string;
  readonly orgName: string;
  readonly orgPostalAddress: string;
  /** Largest request body accepted by the JSON API, in bytes. */
  readonly maxBodyBytes: number;
  /** Days a double opt-in subscription may stay pending before it expires. */
  readonly pendingExpiryDays: number;
  /** Reverse proxies in front that append to X-Forwarded-For; 0 = use the socket's address. */
  readonly trustedProxyHops: number;
  /** Days notice logs, dev outbox copies and webhook receipts are kept (GDPR Art. 5(1)(e)). */
  readonly noticeRetentionDays: number;
  /** log2 of scrypt's N for new operator passwords: 16; only tests lower it, production refuses (docs/console.md). */
  readonly scryptCost: number;
  /** Seconds a stopping server gives in-flight requests and background work (docs/operations.md). */
  readonly shutdownGraceSeconds: number;
  /** SQLite's `synchronous`: NORMAL survives a process crash, FULL also a power cut (docs/operations.md). */
  readonly sqliteSynchronous: SqliteSynchronous;
  /** Let webhook endpoints target loopback and private addresses (tests, a trusted network). */
  readonly webhookAllowPrivate: boolean;
  /** How long one webhook delivery may take before it counts as failed. */
  readonly webhookTimeoutMs: number;
  /** pino level names; `silent` writes nothing (docs/operations.md "Logs"). */
  readonly logLevel: LogLevel;
  /** `json` (one object a line, the production default) or `pretty` (readable, the development default). */
  readonly logFormat: 'json' | 'pretty';
  /** When set, /metrics is also served without a key on this port, on HOST (docs/operations.md "Metrics"). */
  readonly metricsPort: number | undefined;
}

export type SqliteSynchronous = 'FULL' | 'NORMAL';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/** Secrets the development server generates once and keeps under DATA_DIR. */
export interface DevSecrets {
  readonly signingKeys: string;
  readonly hashKey: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export function parseConfig(env: Env, devSecrets?: DevSecrets): Config {
  const production = env.NODE_ENV === 'production';
  const port = parsePort(env.PORT ?? '3000');
  const publicUrl = parsePublicUrl(env.PUBLIC_URL, production, port);

  const signingKeysText = env.SIGNING_KEYS ?? (production ? undefined : devSecrets?.signingKeys);
  if (!signingKeysText) throw new ConfigError('SIGNING_KEYS', 'required in production: "kid:secret,kid:secret…"');
  const hashKey = env.HASH_KEY ?? (production ? undefined : devSecrets?.hashKey);
  if (!hashKey) throw new ConfigError('HASH_KEY', 'required in production: a random secret of at least 32 characters');
  if (hashKey.length < 32) throw new ConfigError('HASH_KEY', 'must be at least 32 characters');

  const dataDir = env.DATA_DIR ?? './data';
  return Object.freeze({
    production,
    port,
    host: env.HOST ?? '127.0.0.1',
    // The embedded database lives beside the dev secrets; with the defaults, file:./data/mailprefs.db.
    databaseUrl: parseDatabaseUrl(env.DATABASE_URL ?? `file:${dataDir}/mailprefs.db`),
    dataDir,
    publicUrl,
    signingKeys: Object.freeze(parseSigningKeys(signingKeysText)),
    hashKey,
    resendApiKey: env.RESEND_API_KEY || undefined,
    resendBaseUrl: env.RESEND_BASE_URL || undefined,
    resendWebhookSecret: env.RESEND_WEBHOOK_SECRET || undefined,
    resendMaxRps: parsePositiveInt('RESEND_MAX_RPS', env.RESEND_MAX_RPS ?? '2'),
    mailFrom: env.MAIL_FROM ?? 'Example <notices@example.com>',
    orgName: env.ORG_NAME ?? 'Example Inc.',
    orgPostalAddress: env.ORG_POSTAL_ADDRESS ?? '1 Example Street, Springfield, 00000, Country',
    maxBodyBytes: parsePositiveInt('MAX_BODY_BYTES', env.MAX_BODY_BYTES ?? String(2 * 1024 * 1024)),
    pendingExpiryDays: parseDays('PENDING_EXPIRY_DAYS', env.PENDING_EXPIRY_DAYS ?? '7'),
    trustedProxyHops: env.TRUSTED_PROXY_HOPS ? parsePositiveInt('TRUSTED_PROXY_HOPS', env.TRUSTED_PROXY_HOPS) : 0,
    noticeRetentionDays: parseDays('NOTICE_RETENTION_DAYS', env.NOTICE_RETENTION_DAYS ?? '90'),
    scryptCost: parseScryptCost(env.SCRYPT_COST, production),
    shutdownGraceSeconds: parseGrace(env.SHUTDOWN_GRACE_SECONDS ?? '10'),
    sqliteSynchronous: parseSynchronous(env.SQLITE_SYNCHRONOUS ?? 'NORMAL'),
    webhookAllowPrivate: parseBoolean('WEBHOOK_ALLOW_PRIVATE', env.WEBHOOK_ALLOW_PRIVATE ?? 'false'),
    webhookTimeoutMs: parsePositiveInt('WEBHOOK_TIMEOUT_MS', env.WEBHOOK_TIMEOUT_MS ?? '10000'),
    logLevel: parseOneOf('LOG_LEVEL', LOG_LEVELS, env.LOG_LEVEL || 'info'),
    logFormat: parseOneOf('LOG_FORMAT', ['json', 'pretty'] as const, env.LOG_FORMAT || (production ? 'json' : 'pretty')),
    metricsPort: env.METRICS_PORT ? parseMetricsPort(env.METRICS_PORT, port) : undefined,
  });
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError('PORT', `not a port number: "${text}"`);
  return port;
}

function parseOneOf<T extends string>(name: string, allowed: readonly T[], text: string): T {
  const found = allowed.find((a) => a === text);
  if (found === undefined) throw new ConfigError(name, `one of ${allowed.join(', ')}, not "${text}"`);
  return found;
}

function parseMetricsPort(text: string, port: number): number {
  const metricsPort = parsePositiveInt('METRICS_PORT', text);
  if (metricsPort > 65535) throw new ConfigError('METRICS_PORT', `not a port number: "${text}"`);
  if (metricsPort === port) throw new ConfigError('METRICS_PORT', 'must differ from PORT: the API and the scrape listener cannot share one');
  return metricsPort;
}

function parsePositiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(name, `not a positive whole number: "${text}"`);
  return n;
}

function parseGrace(text: string): number {
  const seconds = parsePositiveInt('SHUTDOWN_GRACE_SECONDS', text);
  if (seconds > 3600) throw new ConfigError('SHUTDOWN_GRACE_SECONDS', 'at most 3600 seconds');
  return seconds;
}

// OWASP's Password Storage Cheat Sheet lists N = 2^16 as scrypt's minimum: the test suite's 2^10 saves its
// minutes of hashing, and a production server never takes less (docs/console.md, "Operators and signing in").
function parseScryptCost(text: string | undefined, production: boolean): number {
  if (text === undefined) return 16;
  const cost = parsePositiveInt('SCRYPT_COST', text);
  if (cost < 10 || cost > 16) throw new ConfigError('SCRYPT_COST', `10 to 16 (log2 of scrypt's N), not "${text}"`);
  if (production && cost < 16) throw new ConfigError('SCRYPT_COST', 'only tests lower it: production keeps 16 (N = 2^16)');
  return cost;
}

function parseSynchronous(text: string): SqliteSynchronous {
  const value = text.trim().toUpperCase();
  if (value !== 'FULL' && value !== 'NORMAL') throw new ConfigError('SQLITE_SYNCHRONOUS', `FULL or NORMAL, not "${text}"`);
  return value;
}

function parseBoolean(name: string, text: string): boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new ConfigError(name, `"true" or "false", not "${text}"`);
}

function parseDays(name: string, text: string): number {
  const days = parsePositiveInt(name, text);
  if (days > 3650) throw new ConfigError(name, 'at most 3650 days');
  return days;
}

function parsePublicUrl(text: string | undefined, production: boolean, port: number): string {
  if (text === undefined) {
    if (production) throw new ConfigError('PUBLIC_URL', 'required in production: the https base of links put into email');
    return `http://localhost:${port}`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('PUBLIC_URL', `not a URL: "${text}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError('PUBLIC_URL', 'must be http(s)');
  // RFC 8058 requires an https List-Unsubscribe URI; plain http is only for a laptop.
  if (production && url.protocol !== 'https:') throw new ConfigError('PUBLIC_URL', 'must be https in production (RFC 8058)');
  return url.href.replace(/\/+$/, '');
}

function parseDatabaseUrl(text: string): string {
  if (text === ':memory:' || text.startsWith('file:') || /^postgres(ql)?:\/\//.test(text)) return text;
  throw new ConfigError('DATABASE_URL', 'use file:PATH or :memory: for SQLite, postgres://… for PostgreSQL');
}

export function parseSigningKeys(text: string): SigningKey[] {
  const keys = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(':');
      const kid = entry.slice(0, colon);
      const secret = entry.slice(colon + 1);
      if (colon < 1 || !/^[A-Za-z0-9_-]{1,16}$/.test(kid)) {
        throw new ConfigError('SIGNING_KEYS', 'each entry is "kid:secret" with a kid of 1–16 letters, digits, _ or -');
      }
      if (secret.length < 32) throw new ConfigError('SIGNING_KEYS', `the secret of key "${kid}" must be at least 32 characters`);
      return { kid, secret };
    });
  if (keys.length === 0) throw new ConfigError('SIGNING_KEYS', 'no key given');
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) throw new ConfigError('SIGNING_KEYS', 'duplicate kid');
  return keys;
}

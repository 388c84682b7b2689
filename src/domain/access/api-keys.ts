// API keys: `mp_<id>_<secret>`. Only a SHA-256 of the secret is stored; the key is shown once.
// The id finds the row, and the hashes are compared in constant time so timing reveals nothing.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { nowIso } from '../../core/ids.js';
import { SCOPES, type Scope } from '../../core/vocabulary.js';
import { findApiKey, insertApiKey, listApiKeys, revokeApiKey } from '../../db/api-keys.js';
import type { Database } from '../../db/schema.js';

// The list lives with the other shared words (src/core/vocabulary.ts); re-exported for the CLI and http.
export { SCOPES, type Scope };

export interface ApiKeyInfo {
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: string;
  revokedAt: string | null;
}

const KEY_SHAPE = /^mp_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

const sha256 = (text: string) => createHash('sha256').update(text).digest();

export function isScope(text: string): text is Scope {
  return (SCOPES as readonly string[]).includes(text);
}

export async function createApiKey(db: Kysely<Database>, name: string, scopes: Scope[]): Promise<{ id: string; key: string }> {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  await insertApiKey(db, {
    id,
    name,
    secret_hash: sha256(secret).toString('hex'),
    scopes: JSON.stringify([...new Set(scopes)]),
    created_at: nowIso(),
    revoked_at: null,
  });
  return { id, key: `mp_${id}_${secret}` };
}

export interface VerifiedKey {
  id: string;
  scopes: Scope[];
}

/** The key's id and scopes when the presented key is valid and not revoked; undefined otherwise. */
export async function verifyApiKey(db: Kysely<Database>, presented: string): Promise<VerifiedKey | undefined> {
  const match = KEY_SHAPE.exec(presented);
  if (!match) return undefined;
  const row = await findApiKey(db, match[1]!);
  const expected = row ? Buffer.from(row.secret_hash, 'hex') : Buffer.alloc(32);
  // Compare even when the id is unknown, so the answer takes the same time either way.
  const same = timingSafeEqual(sha256(match[2]!), expected);
  if (!row || !same || row.revoked_at !== null) return undefined;
  return { id: row.id, scopes: JSON.parse(row.scopes) as Scope[] };
}

export function hasScope(granted: readonly Scope[], needed: readonly Scope[]): boolean {
  return granted.includes('admin') || needed.some((s) => granted.includes(s));
}

export async function listKeys(db: Kysely<Database>): Promise<ApiKeyInfo[]> {
  return (await listApiKeys(db)).map((r) => ({
    id: r.id,
    name: r.name,
    scopes: JSON.parse(r.scopes) as Scope[],
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  }));
}

export async function revokeKey(db: Kysely<Database>, id: string): Promise<boolean> {
  return revokeApiKey(db, id, nowIso());
}

// Signed tokens for the links put into email (docs/api.md "Pages"). One module signs and verifies them all.
//
// Layout: `KID.BODY`, BODY = base64url(payload ‖ mac), payload = version, purpose, issued-at (u32
// seconds), subject id (16 bytes), category id (16 bytes, unsubscribe and confirm only); mac = first 16
// bytes of HMAC-SHA256(secret, "mailprefs-token" ‖ KID ‖ payload). About 70 characters.
// Version 2 (unsubscribe, preferences and confirm links put into a notice) appends the notice id and,
// for a broadcast's notice, the broadcast id (16 bytes each), so the change a link leads to names the
// mail it came from (docs/api.md "Events"); about 95 and 115 characters. Version 1 tokens keep verifying.
//
// Links do not expire: CAN-SPAM asks 30 days and CASL 60 after sending, and an old newsletter must still
// unsubscribe. Rotating a key out of SIGNING_KEYS is how its links are revoked. The two exceptions open
// the data rights (docs/privacy.md, "How a person is identified"): `step_up` (a single-use link mailed
// to the address on file) and `verified_preferences` (what it leads to, or what an integrator that has
// signed the person in mints) live TTL_SECONDS after they are signed.
import { timingSafeEqual } from 'node:crypto';
import type { SigningKey } from '../../config.js';
import { type KeyedHmac, keyedHmacSha256 } from '../../core/hmac.js';
import { UUID_PATTERN } from '../../core/ids.js';
import type { MailTrace } from '../../core/vocabulary.js';

export type TokenPurpose = 'unsubscribe' | 'preferences' | 'confirm' | 'email_change' | 'verified_preferences' | 'step_up';

const PURPOSE_CODE: Record<TokenPurpose, number> = { unsubscribe: 1, preferences: 2, confirm: 3, email_change: 4, verified_preferences: 5, step_up: 6 };
/** Short-lived purposes: seconds from signing until the token stops verifying. */
export const TTL_SECONDS: Partial<Record<TokenPurpose, number>> = { verified_preferences: 30 * 60, step_up: 30 * 60 };
/** A signing time this far ahead of our clock is a forgery or a clock fault: refused either way. */
const CLOCK_SKEW_SECONDS = 60;
const PURPOSE_OF = new Map(Object.entries(PURPOSE_CODE).map(([k, v]) => [v, k as TokenPurpose]));
const WITH_CATEGORY: ReadonlySet<TokenPurpose> = new Set(['unsubscribe', 'confirm']);
const WITH_TRACE: ReadonlySet<TokenPurpose> = new Set(['unsubscribe', 'preferences', 'confirm']);
const VERSION = 1;
const VERSION_TRACED = 2;
const ID_BYTES = 16;
const MAC_BYTES = 16;

export interface TokenClaims {
  purpose: TokenPurpose;
  /** The recipient id (or, for email_change and step_up, the pending record's id). */
  subjectId: string;
  /** The category id, for unsubscribe and confirm tokens. */
  categoryId?: string;
  /** Seconds since the epoch. */
  issuedAt: number;
  /** The notice (and broadcast) the link was put into; unsubscribe, preferences and confirm tokens only. */
  trace?: MailTrace;
}

// One keyed HMAC per signing key, its pads computed once (core/hmac.ts); the message starts with the
// constant "mailprefs-token" ‖ KID.
const keyed = new WeakMap<SigningKey, KeyedHmac>();

function mac(key: SigningKey, payload: Buffer): Buffer {
  let hmac = keyed.get(key);
  if (!hmac) {
    hmac = keyedHmacSha256(key.secret, `mailprefs-token${key.kid}`);
    keyed.set(key, hmac);
  }
  return hmac.digest(payload).subarray(0, MAC_BYTES);
}

// A UUID's 16 bytes as hex: the payload is built as one hex string and decoded once (a write per hex
// group cost more than the MAC itself).
const hexOfUuid = (id: string) => id.replaceAll('-', '');
const hexByte = (n: number) => n.toString(16).padStart(2, '0');
function bytesToUuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function signToken(keys: readonly SigningKey[], claims: Omit<TokenClaims, 'issuedAt'> & { issuedAt?: number }): string {
  const key = keys[0];
  if (!key) throw new Error('no signing key');
  if (!UUID_PATTERN.test(claims.subjectId)) throw new Error('token subject must be a UUID');
  const withCategory = WITH_CATEGORY.has(claims.purpose);
  if (withCategory !== (claims.categoryId !== undefined) || (claims.categoryId !== undefined && !UUID_PATTERN.test(claims.categoryId))) {
    throw new Error(`a ${claims.purpose} token ${withCategory ? 'needs' : 'takes no'} category id`);
  }
  const traced = traceIds(claims);
  const issuedAt = claims.issuedAt ?? Math.floor(Date.now() / 1000);
  if (!Number.isInteger(issuedAt) || issuedAt < 0 || issuedAt > 0xffffffff) throw new Error('token issued-at must be u32 seconds');
  let hex = `${hexByte(traced.length > 0 ? VERSION_TRACED : VERSION)}${hexByte(PURPOSE_CODE[claims.purpose])}${issuedAt.toString(16).padStart(8, '0')}`;
  hex += hexOfUuid(claims.subjectId);
  if (claims.categoryId) hex += hexOfUuid(claims.categoryId);
  for (let i = 0; i < traced.length; i++) hex += hexOfUuid(traced[i]!);
  const payload = Buffer.from(hex, 'hex');
  return `${key.kid}.${Buffer.concat([payload, mac(key, payload)]).toString('base64url')}`;
}

/** The trace's ids in payload order: the notice, then the broadcast. */
const NO_IDS: readonly string[] = [];
function traceIds(claims: Pick<TokenClaims, 'purpose' | 'trace'>): readonly string[] {
  if (!claims.trace) return NO_IDS;
  if (!WITH_TRACE.has(claims.purpose)) throw new Error(`a ${claims.purpose} token carries no mail trace`);
  const ids = [claims.trace.noticeId, ...(claims.trace.broadcastId === undefined ? [] : [claims.trace.broadcastId])];
  if (!ids.every((id) => UUID_PATTERN.test(id))) throw new Error('trace ids must be UUIDs');
  return ids;
}

/**
 * The claims of a genuine token for this purpose (or one of these); undefined for anything tampered,
 * truncated, foreign or (for a short-lived purpose) out of date at `now` (seconds since the epoch).
 */
export function verifyToken(
  keys: readonly SigningKey[],
  token: string,
  purpose: TokenPurpose | readonly TokenPurpose[],
  now = Math.floor(Date.now() / 1000),
): TokenClaims | undefined {
  if (token.length > 200) return undefined;
  const dot = token.indexOf('.');
  const key = keys.find((k) => k.kid === token.slice(0, dot));
  const body = token.slice(dot + 1);
  if (!key || dot < 1 || !/^[A-Za-z0-9_-]+$/.test(body)) return undefined;
  const raw = Buffer.from(body, 'base64url');
  // base64url decoding is lenient about trailing bits; re-encoding rejects a token that differs only there.
  if (raw.toString('base64url') !== body || raw.length <= MAC_BYTES) return undefined;
  const payload = raw.subarray(0, raw.length - MAC_BYTES);
  if (!timingSafeEqual(raw.subarray(raw.length - MAC_BYTES), mac(key, payload))) return undefined;
  const found = PURPOSE_OF.get(payload[1] ?? 0);
  if (found === undefined || (typeof purpose === 'string' ? found !== purpose : !purpose.includes(found))) return undefined;
  const base = WITH_CATEGORY.has(found) ? 38 : 22;
  const traceCount = (payload.length - base) / ID_BYTES;
  if (payload[0] === VERSION ? traceCount !== 0 : payload[0] !== VERSION_TRACED || !WITH_TRACE.has(found) || (traceCount !== 1 && traceCount !== 2)) {
    return undefined;
  }
  const ttl = TTL_SECONDS[found];
  const issuedAt = payload.readUInt32BE(2);
  if (ttl !== undefined && (now - issuedAt > ttl || issuedAt - now > CLOCK_SKEW_SECONDS)) return undefined;
  const idAt = (offset: number) => bytesToUuid(payload.subarray(offset, offset + ID_BYTES));
  return {
    purpose: found,
    issuedAt,
    subjectId: idAt(6),
    ...(base === 38 && { categoryId: idAt(22) }),
    ...(traceCount > 0 && { trace: { noticeId: idAt(base), ...(traceCount === 2 && { broadcastId: idAt(base + ID_BYTES) }) } }),
  };
}

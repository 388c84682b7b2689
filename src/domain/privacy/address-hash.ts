import { normalizeEmail } from '../../core/email.js';
import { type KeyedHmac, keyedHmacSha256 } from '../../core/hmac.js';

// The server has one HASH_KEY (tests a few): its pads are computed once (core/hmac.ts).
const keyed = new Map<string, KeyedHmac>();

/**
 * Keyed hash of an address: HMAC-SHA256 with the server's HASH_KEY over the normalised address.
 * A bare SHA-256 of an address is still personal data, reversible by dictionary (docs/standards.md "Suppression after erasure").
 */
export function addressHash(hashKey: string, email: string): string {
  return canonicalAddressHash(hashKey, normalizeEmail(email));
}

/** The same for an address already in its canonical form (checkEmail's), which is not checked again: an import's hot path. */
export function canonicalAddressHash(hashKey: string, canonical: string): string {
  let hmac = keyed.get(hashKey);
  if (!hmac) {
    hmac = keyedHmacSha256(hashKey);
    keyed.set(hashKey, hmac);
  }
  return hmac.hex(canonical);
}

import { createHmac } from 'node:crypto';
import { normalizeEmail } from '../../core/email.js';

/**
 * Keyed hash of an address: HMAC-SHA256 with the server's HASH_KEY over the normalised address.
 * A bare SHA-256 of an address is still personal data, reversible by dictionary (docs/standards.md "Suppression after erasure").
 */
export function addressHash(hashKey: string, email: string): string {
  return createHmac('sha256', hashKey).update(normalizeEmail(email)).digest('hex');
}

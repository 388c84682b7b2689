// `mailprefs doctor addresses`: brings stored matching keys up to the canonical form of
// src/core/email.ts after an upgrade changed it (docs/operations.md). Two recipients whose addresses
// are one mailbox under the new rule are reported by id and left as they are: merging people is a
// decision about their consent, never made silently. Addresses the new rule refuses are reported too.
import type { Kysely } from 'kysely';
import { checkEmail } from '../../core/email.js';
import { listRecipientKeysAfter, listSuppressionKeysAfter, rewriteRecipientKeys, rewriteSuppressionKeys } from '../../db/address-keys.js';
import type { Database } from '../../db/schema.js';
import { addressHash } from '../privacy/address-hash.js';

const PAGE = 1000;

export interface AddressReport {
  recipients: number;
  /** Keys rewritten (or, in a dry run, that would be). */
  rekeyed: number;
  suppressionsRekeyed: number;
  /** Recipient ids that share one canonical address: left untouched, for a person to decide. */
  collisions: string[][];
  /** Recipients whose stored address the rule now refuses, with the reason. */
  refused: { id: string; reason: string }[];
  /** Suppressions whose new key or hash another suppression of the same reason already holds. */
  suppressionCollisions: string[];
}

export async function doctorAddresses(db: Kysely<Database>, hashKey: string, opts: { dryRun: boolean }): Promise<AddressReport> {
  const byKey = new Map<string, { id: string; old: string }[]>();
  const refused: AddressReport['refused'] = [];
  const kept = new Set<string>();
  let recipients = 0;
  for (let after = ''; ; ) {
    const page = await listRecipientKeysAfter(db, after, PAGE);
    for (const r of page) {
      recipients++;
      const checked = checkEmail(r.email);
      if (!checked.ok) {
        refused.push({ id: r.id, reason: checked.reason });
        kept.add(r.key);
      } else byKey.set(checked.canonical, [...(byKey.get(checked.canonical) ?? []), { id: r.id, old: r.key }]);
    }
    if (page.length < PAGE) break;
    after = page.at(-1)!.id;
  }
  const collisions = [...byKey.values()].filter((g) => g.length > 1).map((g) => g.map((r) => r.id));
  const changes = [...byKey.entries()].filter(([key, g]) => g.length === 1 && g[0]!.old !== key).map(([key, g]) => ({ id: g[0]!.id, key }));
  // A key kept by a colliding or refused recipient must not be handed to another row.
  for (const g of byKey.values()) if (g.length > 1) for (const r of g) kept.add(r.old);
  const safe = changes.filter((c) => !kept.has(c.key));
  if (!opts.dryRun && safe.length > 0) await rewriteRecipientKeys(db, safe);

  const { rekeyed: suppressionsRekeyed, collisions: suppressionCollisions } = await rekeySuppressions(db, hashKey, opts.dryRun);
  return { recipients, rekeyed: safe.length, suppressionsRekeyed, collisions, refused, suppressionCollisions };
}

async function rekeySuppressions(db: Kysely<Database>, hashKey: string, dryRun: boolean): Promise<{ rekeyed: number; collisions: string[] }> {
  // (hash, reason) is unique: two suppressions of one mailbox for one reason are reported, not merged.
  const groups = new Map<string, { id: string; key: string; hash: string; changed: boolean }[]>();
  for (let after = ''; ; ) {
    const page = await listSuppressionKeysAfter(db, after, PAGE);
    for (const s of page) {
      const checked = checkEmail(s.key);
      if (!checked.ok) continue;
      const hash = addressHash(hashKey, checked.canonical);
      const entry = { id: s.id, key: checked.canonical, hash, changed: checked.canonical !== s.key || hash !== s.hash };
      groups.set(`${hash}:${s.reason}`, [...(groups.get(`${hash}:${s.reason}`) ?? []), entry]);
    }
    if (page.length < PAGE) break;
    after = page.at(-1)!.id;
  }
  const all = [...groups.values()];
  const collisions = all.filter((g) => g.length > 1).flatMap((g) => g.map((s) => s.id));
  const changes = all.filter((g) => g.length === 1 && g[0]!.changed).map((g) => g[0]!);
  if (!dryRun && changes.length > 0) await rewriteSuppressionKeys(db, changes);
  return { rekeyed: changes.length, collisions };
}

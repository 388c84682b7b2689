// Step-up confirmations (migration 0020): what a single-use link mailed to the address on file allows.
import type { Kysely } from 'kysely';
import type { Database, StepUpsTable } from './schema.js';

export type StepUpAction = StepUpsTable['action'];

export interface StepUp {
  id: string;
  recipientId: string;
  action: StepUpAction;
  expiresAt: string;
}

export async function insertStepUp(db: Kysely<Database>, s: StepUp & { createdAt: string }): Promise<void> {
  await db
    .insertInto('step_ups')
    .values({ id: s.id, recipient_id: s.recipientId, action: s.action, created_at: s.createdAt, expires_at: s.expiresAt, used_at: null })
    .execute();
}

// The step-up by id while it is unused and not yet expired at `now`.
export async function findLiveStepUp(db: Kysely<Database>, id: string, now: string): Promise<StepUp | undefined> {
  const row = await db
    .selectFrom('step_ups')
    .select(['id', 'recipient_id', 'action', 'expires_at'])
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row && { id: row.id, recipientId: row.recipient_id, action: row.action, expiresAt: row.expires_at };
}

// Marks a live step-up used; false when it was used (or expired) already, so two clicks act once.
export async function useStepUp(db: Kysely<Database>, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('step_ups')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

// Erasure: the person's step-ups go with them.
export async function deleteStepUpsOf(db: Kysely<Database>, recipientId: string): Promise<void> {
  await db.deleteFrom('step_ups').where('recipient_id', '=', recipientId).execute();
}

// Used and expired step-ups are of no further use to anyone.
export async function deleteStaleStepUps(db: Kysely<Database>, now: string): Promise<void> {
  await db
    .deleteFrom('step_ups')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('used_at', 'is not', null)]))
    .execute();
}

// What a broadcast would do now, without sending: every recipient walked in id order as the real walk
// does, each decided by decideEligibility (through checkEligibility), counted by reason.
import type { Kysely } from 'kysely';
import { listRecipientPage, recipientExtent } from '../../db/broadcasts.js';
import type { Database } from '../../db/schema.js';
import { checkEligibility, ELIGIBILITY_CHUNK } from '../eligibility/check-eligibility.js';
import type { EligibilityReason } from '../eligibility/decide-eligibility.js';
import type { DispatchContext } from '../notices/dispatch.js';
import { resolveTemplate } from '../notices/send-notices.js';
import { validateData } from '../notices/template-spec.js';
import { getCategory } from '../recipients/categories.js';

export interface DryRun {
  total: number;
  eligible: number;
  /** Recipients who would be skipped, by the reason decideEligibility gives. */
  excluded: Partial<Record<EligibilityReason, number>>;
}

/** Checks category, template and data as creating the broadcast would (404/422), then counts. */
export async function dryRunBroadcast(ctx: DispatchContext, input: { category: string; template: string; data?: unknown }): Promise<DryRun> {
  const category = await getCategory(ctx.db, input.category);
  const template = await resolveTemplate(ctx, input.template, category);
  validateData(template.schema, input.data);
  return countAudience(ctx.db, ctx.config.hashKey, category);
}

async function countAudience(db: Kysely<Database>, hashKey: string, category: Awaited<ReturnType<typeof getCategory>>): Promise<DryRun> {
  const { lastId } = await recipientExtent(db);
  const result: DryRun = { total: 0, eligible: 0, excluded: {} };
  let cursor: string | null = null;
  while (lastId !== null) {
    const page = await listRecipientPage(db, cursor, lastId, ELIGIBILITY_CHUNK);
    const decided = await checkEligibility(
      db,
      hashKey,
      category,
      page.map((r) => r.email),
    );
    for (const e of decided) {
      result.total += 1;
      if (e.eligible) result.eligible += 1;
      else result.excluded[e.reason] = (result.excluded[e.reason] ?? 0) + 1;
    }
    if (page.length < ELIGIBILITY_CHUNK) break;
    cursor = page.at(-1)!.id;
  }
  return result;
}

// Broadcasts an editor starts or cancels in the console: the verbs the API uses, with `operator:ID` as
// the broadcast's actor and an event in the ledger for each, written in the change's own transaction so
// a crash between them cannot keep the change and lose its record (GDPR Art. 5(2), accountability).
import type { Kysely } from 'kysely';
import type { ConsentContext, ConsentEventType } from '../../core/vocabulary.js';
import type { Database } from '../../db/schema.js';
import { type BroadcastView, createBroadcast, type NewBroadcast } from '../broadcasts/broadcasts.js';
import { cancelBroadcast } from '../broadcasts/cancel-broadcast.js';
import type { DispatchContext } from '../notices/dispatch.js';
import { recordOperatorAction } from './audit.js';

const record = (who: ConsentContext, type: ConsentEventType, broadcast: { id: string; category: string; template: string }) => (trx: Kysely<Database>) =>
  recordOperatorAction(trx, who, type, { broadcastId: broadcast.id, template: broadcast.template }, { categoryKey: broadcast.category });

export async function startBroadcastAsOperator(ctx: DispatchContext, input: NewBroadcast, who: ConsentContext): Promise<BroadcastView> {
  const { broadcast } = await createBroadcast({ ...ctx, actor: who.actor }, input, (trx, created) => record(who, 'broadcast_created', created)(trx));
  return broadcast;
}

export async function cancelBroadcastAsOperator(ctx: DispatchContext, id: string, who: ConsentContext, view: BroadcastView): Promise<void> {
  await cancelBroadcast(ctx.db, id, who.actor, record(who, 'broadcast_cancelled', view));
}

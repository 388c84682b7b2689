// Broadcasts an editor starts or cancels in the console: the verbs the API uses, with `operator:ID` as
// the broadcast's actor and an event in the ledger for each.
import type { ConsentContext, ConsentEventType } from '../../core/vocabulary.js';
import { type BroadcastView, createBroadcast, type NewBroadcast } from '../broadcasts/broadcasts.js';
import { cancelBroadcast } from '../broadcasts/cancel-broadcast.js';
import type { DispatchContext } from '../notices/dispatch.js';
import { recordOperatorAction } from './audit.js';

// Appends run in a transaction of their own: the chain's head is read and extended under one lock.
async function record(ctx: DispatchContext, who: ConsentContext, type: ConsentEventType, broadcast: { id: string; category: string; template: string }) {
  await ctx.db
    .transaction()
    .execute((trx) => recordOperatorAction(trx, who, type, { broadcastId: broadcast.id, template: broadcast.template }, { categoryKey: broadcast.category }));
}

export async function startBroadcastAsOperator(ctx: DispatchContext, input: NewBroadcast, who: ConsentContext): Promise<BroadcastView> {
  const { broadcast, created } = await createBroadcast({ ...ctx, actor: who.actor }, input);
  if (created) await record(ctx, who, 'broadcast_created', broadcast);
  return broadcast;
}

export async function cancelBroadcastAsOperator(ctx: DispatchContext, id: string, who: ConsentContext, view: BroadcastView): Promise<void> {
  await cancelBroadcast(ctx.db, id, who.actor);
  await record(ctx, who, 'broadcast_cancelled', view);
}

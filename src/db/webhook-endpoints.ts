// Webhook endpoints, and the lease that makes one delivery run at a time the sender of an endpoint's
// queue: with several instances, each endpoint's deliveries still go out one by one, in order.
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database, WebhookEndpointsTable } from './schema.js';

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;

export async function insertWebhookEndpoint(db: Kysely<Database>, row: WebhookEndpointRow): Promise<void> {
  await db.insertInto('webhook_endpoints').values(row).execute();
}

// Every endpoint, oldest first (an admin list: a handful of rows).
export async function listWebhookEndpoints(db: Kysely<Database>): Promise<WebhookEndpointRow[]> {
  return db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').orderBy('id').execute();
}

export async function findWebhookEndpoint(db: Kysely<Database>, id: string): Promise<WebhookEndpointRow | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateWebhookEndpoint(db: Kysely<Database>, id: string, changes: Updateable<WebhookEndpointsTable>): Promise<boolean> {
  const r = await db.updateTable('webhook_endpoints').set(changes).where('id', '=', id).executeTakeFirst();
  return r.numUpdatedRows === 1n;
}

// Deletes the endpoint and, by cascade, its deliveries.
export async function deleteWebhookEndpoint(db: Kysely<Database>, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    // SQLite enforces the cascade only with foreign_keys on; deleting the rows first holds on both.
    await trx.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
    const r = await trx.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
    return r.numDeletedRows === 1n;
  });
}

// Enabled endpoints with a delivery due and no live lease: the work of a delivery run.
export async function listDueWebhookEndpoints(db: Kysely<Database>, now: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('webhook_endpoints as e')
    .select('e.id')
    .where('e.enabled', '=', 1)
    .where((eb) => eb.or([eb('e.lease_until', 'is', null), eb('e.lease_until', '<', now)]))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('webhook_deliveries as d')
          .select('d.position')
          .whereRef('d.endpoint_id', '=', 'e.id')
          .where('d.status', '=', 'pending')
          .where('d.next_attempt_at', '<=', now),
      ),
    )
    .orderBy('e.id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Takes (or renews) the endpoint's lease until `until`, answering the endpoint as leased; undefined when
 * another run holds a live one (or the endpoint is disabled). One statement: the lease and the read. */
export async function leaseWebhookEndpoint(
  db: Kysely<Database>,
  id: string,
  owner: string,
  now: string,
  until: string,
): Promise<WebhookEndpointRow | undefined> {
  return db
    .updateTable('webhook_endpoints')
    .set({ lease_owner: owner, lease_until: until })
    .where('id', '=', id)
    .where('enabled', '=', 1)
    .where((eb) => eb.or([eb('lease_owner', '=', owner), eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .returningAll()
    .executeTakeFirst();
}

export async function releaseWebhookEndpoint(db: Kysely<Database>, id: string, owner: string): Promise<void> {
  await db.updateTable('webhook_endpoints').set({ lease_owner: null, lease_until: null }).where('id', '=', id).where('lease_owner', '=', owner).execute();
}

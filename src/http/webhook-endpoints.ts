// Outbound webhook endpoints (admin). The signing secret appears in the answers to POST and
// rotate-secret only; it is stored to sign, and never read back.
import { Hono } from 'hono';
import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from '../core/vocabulary.js';
import { listDeliveries, retryDelivery } from '../domain/webhooks/deliveries.js';
import {
  createWebhookEndpoint,
  editWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  removeWebhookEndpoint,
  rotateWebhookSecret,
} from '../domain/webhooks/endpoints.js';
import { requireScope } from './auth.js';
import { readJson, validate } from './body.js';
import type { AppEnv } from './env.js';
import { line, pageQuery, prose, uuid } from './fields.js';

const url = line(2000).pipe(z.string().min(1));
const events = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length * 2);
const description = prose(500);

export const NewEndpoint = z.strictObject({ url, events: events.optional(), description: description.optional() });
export const EndpointPatch = z.strictObject({
  url: url.optional(),
  events: events.nullable().optional(),
  description: description.nullable().optional(),
  enabled: z.boolean().optional(),
});
export const DeliveriesQuery = pageQuery(z.string().regex(/^[0-9]{1,15}$/, 'a cursor from a previous page\'s "next"')).extend({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
});
const Id = z.object({ id: uuid });
const DeliveryIds = z.object({ id: uuid, deliveryId: uuid });

export const webhookEndpoints = new Hono<AppEnv>()
  .use(requireScope('admin'))
  .post('/', async (c) => {
    const input = await readJson(c, NewEndpoint);
    return c.json(await createWebhookEndpoint(c.var.deps.db, input, c.var.deps.config.webhookAllowPrivate), 201);
  })
  .get('/', async (c) => c.json({ data: await listWebhookEndpoints(c.var.deps.db) }))
  .get('/:id', async (c) => {
    const { id } = validate(Id, c.req.param());
    return c.json(await getWebhookEndpoint(c.var.deps.db, id));
  })
  .patch('/:id', async (c) => {
    const { id } = validate(Id, c.req.param());
    const patch = await readJson(c, EndpointPatch);
    return c.json(await editWebhookEndpoint(c.var.deps.db, id, patch, c.var.deps.config.webhookAllowPrivate));
  })
  .delete('/:id', async (c) => {
    const { id } = validate(Id, c.req.param());
    await removeWebhookEndpoint(c.var.deps.db, id);
    return c.body(null, 204);
  })
  .post('/:id/rotate-secret', async (c) => {
    const { id } = validate(Id, c.req.param());
    return c.json(await rotateWebhookSecret(c.var.deps.db, id));
  })
  .get('/:id/deliveries', async (c) => {
    const { id } = validate(Id, c.req.param());
    return c.json(await listDeliveries(c.var.deps.db, id, validate(DeliveriesQuery, c.req.query())));
  })
  .post('/:id/deliveries/:deliveryId/retry', async (c) => {
    const { id, deliveryId } = validate(DeliveryIds, c.req.param());
    return c.json(await retryDelivery(c.var.deps.db, id, deliveryId), 202);
  });

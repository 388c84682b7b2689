// What a delivery sends: the body built from the stored event and the recipient's current contact, and
// the secrets that sign it.
import type { QueuedDelivery } from '../../db/webhook-batches.js';
import type { WebhookEndpointRow } from '../../db/webhook-endpoints.js';

// The new secret signs; after a rotation the old one signs too for a day, so receivers can switch over.
export function liveSecrets(endpoint: WebhookEndpointRow, at: Date): string[] {
  const previous = endpoint.previous_secret && endpoint.previous_secret_until && endpoint.previous_secret_until > at.toISOString();
  return previous ? [endpoint.secret, endpoint.previous_secret!] : [endpoint.secret];
}

// Addresses are looked up when sending, never stored with the event: once the person is erased, a
// retried delivery carries none (GDPR Art. 17).
export function webhookBody(d: QueuedDelivery): string {
  const data = JSON.parse(d.payload) as Record<string, unknown>;
  if (d.event_type === 'consent.changed' && d.recipient_id) {
    data.email = d.contact?.email ?? null;
    data.externalId = d.contact?.externalId ?? null;
  }
  if (d.event_type.startsWith('suppression.')) data.email = d.email;
  return JSON.stringify({ id: d.event_id, type: d.event_type, timestamp: d.event_at, data });
}

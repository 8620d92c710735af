import type { WebhookDeliveryWire, WebhookEndpointWire } from './schemas.js';
import type { Delivery, WebhookEndpoint } from './store.js';

/** Endpoint → wire object in spec order; the secret is part of it (spec: required in every answer). */
export function serializeEndpoint(e: WebhookEndpoint): WebhookEndpointWire {
  return {
    object: 'webhook_endpoint',
    id: e.id,
    endpoint_url: e.endpoint_url,
    secret: e.secret,
    status: e.status,
    events: [...e.events],
    created_at: e.created_at,
    updated_at: e.updated_at,
  };
}

export function serializeDelivery(d: Delivery): WebhookDeliveryWire {
  return {
    id: d.id,
    endpoint_id: d.endpoint_id,
    event_id: d.event_id,
    attempts: d.attempts,
    last_status: d.last_status,
    next_attempt_at: d.next_attempt_at,
    delivered_at: d.delivered_at,
  };
}

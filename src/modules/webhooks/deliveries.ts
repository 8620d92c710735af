import { notFound } from '../../http/errors.js';
import { newId } from '../../ids.js';
import type { EnvironmentClock } from '../clock/service.js';
import type { Outbox } from '../events/outbox.js';
import type { Delivery, WebhookStore } from './store.js';
import type { DeliveryWorker } from './worker.js';

export interface DeliveryService {
  list(environmentId: string, filter: { endpoint_id?: string; event_id?: string }): Delivery[];
  /** Sends the delivery again now and resolves to it once that attempt is recorded. */
  retry(environmentId: string, id: string): Promise<Delivery>;
}

/**
 * Deliveries: one per event and enabled endpoint subscribed to its type, written with the event
 * (an outbox hook), sent by the worker after commit. A test that moves its environment's clock
 * past a retry's `next_attempt_at` has it sent at once.
 */
export function createDeliveryService(store: WebhookStore, outbox: Outbox, clock: EnvironmentClock, worker: DeliveryWorker): DeliveryService {
  outbox.onRecord((environmentId, event) => {
    const endpoints = store.subscribers(environmentId, event.event);
    if (!endpoints.length) return;
    const dueMs = Date.now();
    for (const endpoint_id of endpoints) {
      store.insertDelivery(environmentId, { id: newId('webhookDelivery'), endpoint_id, event_id: event.id, next_attempt_at: event.created_at, due_ms: dueMs });
    }
    worker.offer(environmentId, endpoints);
  });

  clock.onChange((environmentId, now) => {
    if (store.bringForward(environmentId, now, Date.now()) > 0) worker.kick();
  });

  return {
    list: (environmentId, filter) => store.listDeliveries(environmentId, filter),
    async retry(environmentId, id) {
      if (!store.deliveryById(environmentId, id)) throw notFound('Webhook delivery', id);
      await worker.sendNow(environmentId, id);
      const delivery = store.deliveryById(environmentId, id);
      if (!delivery) throw notFound('Webhook delivery', id);
      return delivery;
    },
  };
}

import http from 'node:http';
import https from 'node:https';
import type { Db } from '../../db/open.js';
import type { EnvironmentClock } from '../clock/service.js';
import { signatureHeader } from './signature.js';
import type { DueDelivery, WebhookStore } from './store.js';

/**
 * The retry schedule after a failed attempt (non-2xx, no answer, or no answer within the
 * timeout): 1, 2, 4, 8, 16 and 32 seconds, then it gives up (7 attempts over about a minute).
 * WorkOS retries for "several minutes" outside production; a test never waits on it: advancing
 * the environment clock past `next_attempt_at` or the admin retry sends at once.
 */
export const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 16000, 32000];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** An attempt not answered in this time is a failure (the receiver hangs). */
export const DELIVERY_TIMEOUT_MS = 5000;
/** Attempts in flight at once; one per endpoint, so a slow endpoint delays only its own. */
const MAX_IN_FLIGHT = 16;

export interface DeliveryWorker {
  /** Looks for due deliveries soon (after the current transaction commits). */
  kick(): void;
  /**
   * New deliveries to these endpoints of the environment: looks for due deliveries soon unless
   * each endpoint has an attempt in flight (its end looks anyway), so a burst of writes to busy
   * endpoints costs no scan per write.
   */
  offer(environmentId: string, endpointIds: readonly string[]): void;
  /** Sends one delivery now, due or not, and resolves once that attempt is recorded. */
  sendNow(environmentId: string, id: string): Promise<void>;
  /** Resolves once an attempt of the delivery in flight (if any) is recorded. */
  settled(environmentId: string, id: string): Promise<void>;
  close(): void;
}

const statusOk = (status: number | null) => status !== null && status >= 200 && status < 300;

/**
 * Sends deliveries off the request path: after commit it picks up due deliveries, signs and POSTs
 * each, records the attempt and schedules a retry. Started with the app, it also sends what a
 * previous process left due (a crash between commit and delivery), so deliveries survive a
 * restart on a file database. Rows say what is due; memory only says what is in flight.
 */
export function createDeliveryWorker(db: Db, store: WebhookStore, clock: EnvironmentClock): DeliveryWorker {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const inFlight = new Map<string, Promise<void>>();
  const busyEndpoints = new Set<string>();
  const requests = new Set<http.ClientRequest>();
  let timer: NodeJS.Timeout | undefined;
  let kicked = false;
  let closed = false;

  /** POSTs the body; the status, or null for no answer in time (refused, reset, timed out). */
  const post = (d: DueDelivery, signature: string): Promise<number | null> =>
    new Promise((resolve) => {
      let url: URL;
      try {
        url = new URL(d.endpoint_url);
      } catch {
        return resolve(null);
      }
      const secure = url.protocol === 'https:';
      const req = (secure ? https : http).request(url, {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        timeout: DELIVERY_TIMEOUT_MS,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(d.body),
          'user-agent': 'flagstand-webhooks',
          'WorkOS-Signature': signature,
        },
      });
      requests.add(req);
      let done = false;
      const finish = (status: number | null) => {
        if (done) return;
        done = true;
        requests.delete(req);
        resolve(status);
      };
      req.on('response', (res) => {
        res.resume(); // the body is not read, only drained
        res.on('end', () => finish(res.statusCode ?? null));
        res.on('error', () => finish(res.statusCode ?? null));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => finish(null));
      req.on('close', () => finish(null));
      req.end(d.body);
    });

  const recordResult = (d: DueDelivery, status: number | null) => {
    if (closed) return;
    const attempts = d.attempts + 1;
    const env = d.environment_id;
    if (statusOk(status)) {
      store.recordAttempt(env, d.id, { last_status: status, next_attempt_at: null, due_ms: null, delivered_at: clock.now(env) });
    } else if (d.endpoint_status === 'enabled' && attempts < MAX_ATTEMPTS) {
      const delay = RETRY_DELAYS_MS[attempts - 1];
      const next = new Date(clock.nowMs(env) + delay).toISOString();
      store.recordAttempt(env, d.id, { last_status: status, next_attempt_at: next, due_ms: Date.now() + delay, delivered_at: null });
    } else {
      store.recordAttempt(env, d.id, { last_status: status, next_attempt_at: null, due_ms: null, delivered_at: null });
    }
  };

  const send = (d: DueDelivery): Promise<void> => {
    const key = `${d.environment_id} ${d.id}`;
    const endpointKey = `${d.environment_id} ${d.endpoint_id}`;
    busyEndpoints.add(endpointKey);
    let delivered = false;
    // The signature's time is the environment's: a test can make it older than the SDK's tolerance.
    const attempt = post(d, signatureHeader(d.secret, clock.nowMs(d.environment_id), d.body))
      .then((status) => {
        delivered = statusOk(status);
        recordResult(d, status);
      })
      .catch(() => undefined)
      .finally(() => {
        const wasFull = inFlight.size >= MAX_IN_FLIGHT;
        inFlight.delete(key);
        busyEndpoints.delete(endpointKey);
        // A delivered attempt hands its endpoint the next due delivery (one index seek); a failure
        // (a retry to schedule) or a full worker (others may wait) looks at everything.
        if (delivered && !wasFull) sendNextOf(d.environment_id, d.endpoint_id);
        else kick();
      });
    inFlight.set(key, attempt);
    return attempt;
  };

  const sendNextOf = (environmentId: string, endpointId: string) => {
    if (closed) return;
    for (;;) {
      const k = store.nextDueOf(environmentId, endpointId, Date.now());
      if (!k || inFlight.has(`${k.environment_id} ${k.id}`)) return;
      const d = store.toSend(k.environment_id, k.id);
      if (!d) return;
      if (d.endpoint_status === 'enabled') return void send(d);
      store.schedule(d.environment_id, d.id, null, null); // disabled since: not sent
    }
  };

  const poll = () => {
    kicked = false;
    if (closed) return;
    const now = Date.now();
    for (const k of store.due(now)) {
      if (inFlight.size >= MAX_IN_FLIGHT) break;
      if (inFlight.has(`${k.environment_id} ${k.id}`) || busyEndpoints.has(`${k.environment_id} ${k.endpoint_id}`)) continue;
      const d = store.toSend(k.environment_id, k.id);
      if (!d) continue;
      if (d.endpoint_status !== 'enabled') {
        store.schedule(d.environment_id, d.id, null, null); // disabled since: not sent
        continue;
      }
      void send(d);
    }
    // The next retry not yet due; what is due but waiting is picked up when an attempt ends.
    clearTimeout(timer);
    const next = store.nextDueMs();
    if (next !== null && next > now) timer = setTimeout(poll, next - now).unref();
  };

  const kick = () => {
    if (closed || kicked) return;
    kicked = true;
    // setImmediate: after the transaction that recorded the event has committed (or rolled back).
    setImmediate(poll);
  };

  kick(); // what a previous process left due

  return {
    kick,
    offer(environmentId, endpointIds) {
      if (inFlight.size >= MAX_IN_FLIGHT || endpointIds.every((id) => busyEndpoints.has(`${environmentId} ${id}`))) return;
      kick();
    },
    async sendNow(environmentId, id) {
      await inFlight.get(`${environmentId} ${id}`);
      const d = store.toSend(environmentId, id);
      if (!d) return;
      await send(d);
    },
    settled: async (environmentId, id) => inFlight.get(`${environmentId} ${id}`),
    close() {
      closed = true;
      clearTimeout(timer);
      for (const req of requests) req.destroy();
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

import { Type } from '@sinclair/typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase, type Db } from '../../src/db/open.js';
import { ApiError, registerErrorHandling } from '../../src/http/errors.js';
import { canonicalJson, registerIdempotency } from '../../src/http/idempotency.js';
import { createIdempotencyStore, type IdempotencyStore } from '../../src/http/idempotency-store.js';

// A bare app with the plugin and a counting POST route, so the plugin is tested on its own.
let db: Db;
let app: FastifyInstance;
let store: IdempotencyStore;
let runs: number;
const clock = fixedClock('2026-01-15T12:00:00.000Z');

beforeEach(async () => {
  db = openDatabase(':memory:');
  migrate(db);
  for (const env of ['env_a', 'env_b']) {
    db.prepare('INSERT INTO environments (id, name, created_at) VALUES (?, ?, ?)').run(env, env, clock.now());
  }
  store = createIdempotencyStore(db);
  clock.set('2026-01-15T12:00:00.000Z');
  runs = 0;
  app = Fastify();
  registerErrorHandling(app);
  app.decorateRequest('environmentId', '');
  app.addHook('onRequest', async (req) => {
    req.environmentId = (req.headers['x-env'] as string) ?? 'env_a';
  });
  registerIdempotency(app, store, clock);
  app.post('/things', { schema: { body: Type.Object({ name: Type.String() }) } }, async (req, reply) => {
    runs++;
    const { name } = req.body as { name: string };
    if (name === 'missing') throw new ApiError(404, { message: 'Thing not found.' });
    if (name === 'boom') throw new Error('boom');
    return reply.status(201).send({ id: `thing_${runs}`, name });
  });
  app.post('/things/:id/touch', async (_req, reply) => {
    runs++;
    return reply.status(204).send();
  });
  app.get('/things', async () => ({ runs: ++runs }));
  await app.ready();
});
afterEach(async () => {
  await app.close();
  db.close();
});

const post = (body: unknown, key?: string, extra: Record<string, string> = {}, url = '/things') =>
  app.inject({ method: 'POST', url, payload: body as object, headers: { ...(key ? { 'idempotency-key': key } : {}), ...extra } });

describe('Idempotency-Key', () => {
  it('answers a retry with the first response and runs the handler once', async () => {
    const first = await post({ name: 'a' }, 'k1');
    const second = await post({ name: 'a' }, 'k1');
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual({ id: 'thing_1', name: 'a' });
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(runs).toBe(1);
  });

  it('treats bodies with the same fields in another order as the same request', async () => {
    await post({ name: 'a', extra: 1 }, 'k1');
    const again = await post({ extra: 1, name: 'a' }, 'k1');
    expect(again.statusCode).toBe(201);
    expect(runs).toBe(1);
  });

  it('rejects the key on a different body or path with 422 and creates nothing', async () => {
    await post({ name: 'a' }, 'k1');
    const otherBody = await post({ name: 'b' }, 'k1');
    expect(otherBody.statusCode).toBe(422);
    expect(otherBody.json()).toMatchObject({ code: 'idempotency_key_reused' });
    const otherPath = await post({ name: 'a' }, 'k1', {}, '/things/x/touch');
    expect(otherPath.statusCode).toBe(422);
    expect(runs).toBe(1);
  });

  it('runs every request without a key', async () => {
    await post({ name: 'a' });
    await post({ name: 'a' });
    expect(runs).toBe(2);
  });

  it('scopes keys per environment', async () => {
    await post({ name: 'a' }, 'k1');
    const other = await post({ name: 'a' }, 'k1', { 'x-env': 'env_b' });
    expect(other.statusCode).toBe(201);
    expect(other.json()).toEqual({ id: 'thing_2', name: 'a' });
  });

  it('forgets a key after 24 hours, not before', async () => {
    await post({ name: 'a' }, 'k1');
    clock.set('2026-01-16T11:59:59.999Z');
    expect((await post({ name: 'a' }, 'k1')).json()).toEqual({ id: 'thing_1', name: 'a' });
    clock.set('2026-01-16T12:00:00.000Z');
    expect((await post({ name: 'b' }, 'k1')).json()).toEqual({ id: 'thing_2', name: 'b' });
    expect(runs).toBe(2);
  });

  it('replays 4xx answers, validation failures included', async () => {
    const notFound = await post({ name: 'missing' }, 'k1');
    expect(notFound.statusCode).toBe(404);
    expect((await post({ name: 'missing' }, 'k1')).json()).toEqual(notFound.json());
    const invalid = await post({ nope: true }, 'k2');
    expect(invalid.statusCode).toBe(422);
    const replay = await post({ nope: true }, 'k2');
    expect(replay.statusCode).toBe(422);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(runs).toBe(1);
  });

  it('does not keep a 5xx, so the retry runs again', async () => {
    expect((await post({ name: 'boom' }, 'k1')).statusCode).toBe(500);
    expect((await post({ name: 'boom' }, 'k1')).statusCode).toBe(500);
    expect(runs).toBe(2);
  });

  it('replays a 204 with an empty body', async () => {
    await post({}, 'k1', {}, '/things/x/touch');
    const again = await post({}, 'k1', {}, '/things/x/touch');
    expect(again.statusCode).toBe(204);
    expect(again.body).toBe('');
    expect(runs).toBe(1);
  });

  it('answers 409 while the first request with the key is still running', async () => {
    const { createHash } = await import('node:crypto');
    const fingerprint = createHash('sha256').update(`POST /things\n${canonicalJson({ name: 'a' })}`).digest('hex');
    claimAs(process.ppid, fingerprint);
    const res = await post({ name: 'a' }, 'k1');
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'idempotency_key_in_use' });
    expect(runs).toBe(0);
  });

  // A claim as a crashed server leaves it: status NULL, owned by a process id.
  const claimAs = (pid: number, fingerprint = 'f', key = 'k1') => {
    store.claim({ environment_id: 'env_a', key, fingerprint, created_at: clock.now(), expires_at: '2026-01-16T12:00:00.000Z' });
    db.prepare('UPDATE idempotency_keys SET owner_pid = ? WHERE key = ?').run(pid, key);
  };

  it('releases at start-up the claims of processes that are gone, and of this process id (a restarted container)', async () => {
    const gone = 2 ** 22 + 12345; // above the largest pid Linux can hand out (pid_max is at most 2^22)
    claimAs(gone, 'f', 'dead');
    claimAs(process.pid, 'f', 'mine');
    claimAs(process.ppid, 'f', 'alive');
    claimAs(gone, 'f', 'done');
    store.complete('env_a', 'done', 201, null, null);
    expect(store.releaseOrphans()).toBe(2);
    const left = db.prepare('SELECT key FROM idempotency_keys ORDER BY key').pluck().all();
    expect(left).toEqual(['alive', 'done']);
  });

  it('lets the retry of a request cut short by a crash run once its claim is released', async () => {
    const { createHash } = await import('node:crypto');
    const fingerprint = createHash('sha256').update(`POST /things\n${canonicalJson({ name: 'a' })}`).digest('hex');
    claimAs(2 ** 22 + 12345, fingerprint);
    expect((await post({ name: 'a' }, 'k1')).statusCode).toBe(409);
    store.releaseOrphans();
    const retry = await post({ name: 'a' }, 'k1');
    expect(retry.statusCode).toBe(201);
    expect((await post({ name: 'a' }, 'k1')).headers['idempotent-replayed']).toBe('true');
    expect(runs).toBe(1);
  });

  it('ignores the header on GET and rejects an over-long key', async () => {
    await app.inject({ method: 'GET', url: '/things', headers: { 'idempotency-key': 'k1' } });
    await app.inject({ method: 'GET', url: '/things', headers: { 'idempotency-key': 'k1' } });
    expect(runs).toBe(2);
    const long = await post({ name: 'a' }, 'x'.repeat(256));
    expect(long.statusCode).toBe(400);
    expect(long.json()).toMatchObject({ code: 'invalid_idempotency_key' });
    expect((await post({ name: 'a' }, 'x'.repeat(255))).statusCode).toBe(201);
  });

  it('sorts keys in canonical JSON at every depth', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null, u: undefined })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
  });
});

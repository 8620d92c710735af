import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningFlagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';

// Over a real port, repeated flag-list GETs are answered from memory until the data changes
// (src/http/response-cache.ts): the same bytes, a fresh request id, and never a stale or foreign answer.

const ORG = pinnedId('organization', 1);
const USER = pinnedId('user', 1);
const environment = (name: string, key: string, enabled: boolean) => ({
  name,
  api_keys: [key],
  organizations: [{ id: ORG, name: 'Acme' }],
  users: [{ id: USER, email: 'ada@example.com' }],
  organization_memberships: [{ user_id: USER, organization_id: ORG }],
  feature_flags: [{ slug: 'beta', enabled, default_value: true }],
});

let server: RunningFlagstand | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function start(db = ':memory:'): Promise<RunningFlagstand> {
  server = await startServer({ port: 0, db, logLevel: 'silent', seed: { environments: [environment('a', 'sk_test_a', true), environment('b', 'sk_test_b', false)] } });
  return server;
}

const get = async (s: RunningFlagstand, path: string, key = 'sk_test_a') => {
  const res = await fetch(s.url + path, { headers: { authorization: `Bearer ${key}` } });
  const headers = Object.fromEntries([...res.headers].filter(([name]) => name !== 'date'));
  return { status: res.status, headers, body: await res.text() };
};
const userFlags = `/user_management/users/${USER}/feature-flags`;

describe('repeated GETs over a real port', () => {
  it('answer with the same status, headers and body, and a fresh X-Request-ID', async () => {
    const s = await start();
    for (const path of [userFlags, `/organizations/${ORG}/feature-flags`, '/feature-flags?limit=5', '/sdk/feature-flags']) {
      const first = await get(s, path);
      const second = await get(s, path);
      expect(first.status).toBe(200);
      const { 'x-request-id': id1, ...rest1 } = first.headers;
      const { 'x-request-id': id2, ...rest2 } = second.headers;
      expect(id1).toMatch(/^[0-9a-f-]{36}$/);
      expect(id2).toMatch(/^[0-9a-f-]{36}$/);
      expect(id2).not.toBe(id1);
      expect(rest2).toEqual(rest1);
      expect(second.body).toBe(first.body);
    }
  });

  it('show a write at once', async () => {
    const s = await start();
    expect(JSON.parse((await get(s, userFlags)).body).data).toHaveLength(1);
    const res = await fetch(`${s.url}/feature-flags/beta/disable`, { method: 'PUT', headers: { authorization: 'Bearer sk_test_a' } });
    expect(res.status).toBe(200);
    expect(JSON.parse((await get(s, userFlags)).body).data).toHaveLength(0);
    expect(JSON.parse((await get(s, '/sdk/feature-flags')).body).beta.enabled).toBe(false);
  });

  it('never answer one key with another environment’s answer, nor a bad key with a kept one', async () => {
    const s = await start();
    expect(JSON.parse((await get(s, userFlags, 'sk_test_a')).body).data).toHaveLength(1);
    expect(JSON.parse((await get(s, userFlags, 'sk_test_a')).body).data).toHaveLength(1);
    expect(JSON.parse((await get(s, userFlags, 'sk_test_b')).body).data).toHaveLength(0);
    expect((await get(s, userFlags, 'sk_test_nope')).status).toBe(401);
    // The same URL answered 404 is not kept either.
    expect((await get(s, `/user_management/users/${pinnedId('user', 9)}/feature-flags`)).status).toBe(404);
    expect((await get(s, `/user_management/users/${pinnedId('user', 9)}/feature-flags`)).status).toBe(404);
  });

  it('show a commit by another process to the same file, a revoked key included', async () => {
    dir = mkdtempSync(join(tmpdir(), 'flagstand-cache-'));
    const file = join(dir, 'db.sqlite');
    const s = await start(file);
    expect(JSON.parse((await get(s, userFlags)).body).data).toHaveLength(1);
    const other = new Database(file);
    other.prepare("UPDATE feature_flags SET enabled = 0 WHERE slug = 'beta'").run();
    expect(JSON.parse((await get(s, userFlags)).body).data).toHaveLength(0);
    other.prepare('DELETE FROM environment_api_keys WHERE key = ?').run('sk_test_a');
    other.close();
    expect((await get(s, userFlags)).status).toBe(401);
  });
});

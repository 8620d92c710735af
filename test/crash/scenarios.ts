import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { mulberry32 } from '../../bench/seed.js';
import { pinnedId } from '../helpers/ids.js';
import { kill9, startServerProcess, type ServerProcess } from './server-process.js';

// Crash, shutdown and concurrency scenarios against real server processes on one --db file.
// Each returns what it observed; the test (test/crash/crash.test.ts) and the long run
// (`npm run crash`) assert on it. Randomness comes from a seeded generator, so a round replays.

export const KEY = 'sk_test_crash';
const USERS = Array.from({ length: 50 }, (_, i) => pinnedId('user', i + 1));

export interface Workspace {
  dir: string;
  db: string;
  args: string[];
  dispose(): void;
}

/** A temp dir with a seed (50 users, flag `beta`) and the server arguments for a --db file in it. */
export function workspace(extraArgs: string[] = []): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'flagstand-crash-'));
  const seed = join(dir, 'seed.json');
  writeFileSync(
    seed,
    JSON.stringify({
      api_keys: [KEY],
      users: USERS.map((id, i) => ({ id, email: `user${i}@example.com` })),
      feature_flags: [{ slug: 'beta', enabled: false, default_value: false }],
    }),
  );
  const db = join(dir, 'flagstand.db');
  return { dir, db, args: ['--db', db, '--seed', seed, ...extraArgs], dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

interface Answer {
  status: number;
  body: any;
}

/** One request; a network error (the server died mid-request) resolves to undefined. */
async function call(url: string, method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<Answer | undefined> {
  try {
    const res = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${KEY}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(idempotencyKey && { 'idempotency-key': idempotencyKey }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  } catch {
    return undefined;
  }
}

/** What one writer did to one organization, each step acknowledged (`true`), cut short (`'inflight'`) or not tried. */
interface OrgRecord {
  name: string;
  key: string;
  body: unknown;
  id?: string;
  created?: true | 'inflight';
  member?: true | 'inflight';
  targeted?: true | 'inflight';
  deleted?: true | 'inflight';
}

export interface CheckResult {
  problems: string[];
  acknowledged: number;
  retried: number;
}

/**
 * Writers creating organizations (with a domain: two rows in one write), a membership and a flag
 * target for each, and deleting every other one again (a cascade over four tables), until the
 * server dies. Stops at the first request that gets no answer; 5xx answers are problems.
 */
async function writer(url: string, tag: string, user: string, records: OrgRecord[], problems: string[]): Promise<void> {
  for (let i = 0; ; i++) {
    const name = `${tag}-${i}`;
    const body = { name, domain_data: [{ domain: `${name}.example.com`, state: 'verified' }] };
    const record: OrgRecord = { name, key: `create-${name}`, body };
    records.push(record);
    const steps: [keyof OrgRecord, () => Promise<Answer | undefined>][] = [
      ['created', () => call(url, 'POST', '/organizations', body, record.key)],
      ['member', () => call(url, 'POST', '/user_management/organization_memberships', { user_id: user, organization_id: record.id })],
      ['targeted', () => call(url, 'POST', `/feature-flags/beta/targets/${record.id}`)],
    ];
    if (i % 2 === 0) steps.push(['deleted', () => call(url, 'DELETE', `/organizations/${record.id}`)]);
    for (const [step, run] of steps) {
      const answer = await run();
      if (!answer) {
        (record as any)[step] = 'inflight';
        return;
      }
      if (answer.status >= 500) problems.push(`${step} ${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
      if (answer.status >= 300) return;
      (record as any)[step] = true;
      if (step === 'created') record.id = answer.body.id;
    }
  }
}

/** Checks a restarted server and its file against what the writers saw acknowledged. */
async function check(url: string, dbPath: string, records: OrgRecord[]): Promise<CheckResult> {
  const problems: string[] = [];
  let acknowledged = 0;
  let retried = 0;
  for (const r of records) {
    if (r.created === 'inflight') {
      // The retry of a write the crash cut short must run (or replay), never stay "in use".
      const retry = await call(url, 'POST', '/organizations', r.body, r.key);
      retried++;
      if (retry?.status !== 201) problems.push(`retry of ${r.name}: ${retry?.status} ${JSON.stringify(retry?.body)}`);
      continue;
    }
    if (r.created !== true) continue;
    acknowledged++;
    const got = await call(url, 'GET', `/organizations/${r.id}`);
    if (r.deleted === true) {
      if (got?.status !== 404) problems.push(`${r.name}: deleted (acknowledged) but answers ${got?.status}`);
    } else if (r.deleted === undefined) {
      if (got?.status !== 200) problems.push(`${r.name}: created (acknowledged) but answers ${got?.status}`);
      else if (got.body.domains?.[0]?.domain !== `${r.name}.example.com`) problems.push(`${r.name}: lost its domain`);
    }
  }
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`);
    const fk = db.pragma('foreign_key_check') as unknown[];
    if (fk.length) problems.push(`foreign_key_check: ${JSON.stringify(fk.slice(0, 5))}`);
    // A cascade is all or nothing: nothing may point at an organization that is gone.
    for (const [table, column, extra] of [
      ['organization_domains', 'organization_id', ''],
      ['organization_memberships', 'organization_id', ''],
      ['flag_targets', 'target_id', "AND t.target_type = 'organization'"],
    ]) {
      const orphans = db
        .prepare(`SELECT count(*) FROM ${table} t WHERE NOT EXISTS (SELECT 1 FROM organizations o WHERE o.environment_id = t.environment_id AND o.id = t.${column}) ${extra}`)
        .pluck()
        .get() as number;
      if (orphans) problems.push(`${orphans} rows of ${table} point at a deleted organization`);
    }
    // Every organization went in with its domain, in one write.
    const bare = db
      .prepare(`SELECT count(*) FROM organizations o WHERE NOT EXISTS (SELECT 1 FROM organization_domains d WHERE d.environment_id = o.environment_id AND d.organization_id = o.id)`)
      .pluck()
      .get() as number;
    if (bare) problems.push(`${bare} organizations without the domain they were created with`);
    const stuck = db.prepare('SELECT count(*) FROM idempotency_keys WHERE status IS NULL').pluck().get() as number;
    if (stuck) problems.push(`${stuck} Idempotency-Keys still claimed after the retries`);
  } finally {
    db.close();
  }
  return { problems, acknowledged, retried };
}

export interface KillRound {
  killedAfterMs: number;
  writes: number;
  result: CheckResult;
}

/** `rounds` times: writers against the server, kill -9 at a random moment, restart, check. */
export async function killRounds(ws: Workspace, rounds: number, seed: number, writers = 6): Promise<KillRound[]> {
  const rand = mulberry32(seed);
  const out: KillRound[] = [];
  let server = await startServerProcess(ws.args);
  try {
    for (let round = 0; round < rounds; round++) {
      // A fresh process compiles each route's schemas on first use: warm them before timing the kill.
      await call(server.url, 'POST', '/organizations', { name: `warm-${seed}-${round}`, domain_data: [{ domain: `warm-${seed}-${round}.example.com`, state: 'verified' }] });
      const records: OrgRecord[] = [];
      const problems: string[] = [];
      const running = Array.from({ length: writers }, (_, w) => writer(server.url, `r${seed}-${round}-w${w}`, USERS[w], records, problems));
      const killedAfterMs = Math.round(100 + rand() * 900);
      await new Promise((r) => setTimeout(r, killedAfterMs));
      await kill9(server);
      await Promise.all(running);
      server = await startServerProcess(ws.args);
      const result = await check(server.url, ws.db, records);
      result.problems.unshift(...problems);
      out.push({ killedAfterMs, writes: records.length, result });
    }
  } finally {
    await kill9(server);
  }
  return out;
}

export interface SharedFileResult {
  status5xx: string[];
  expectedTargets: string[];
  actualTargets: string[];
  acknowledgedCreates: number;
  missingCreates: string[];
}

/**
 * Two servers on one file, 50 concurrent writers on one flag, alternating between them: each
 * adds its user as a target, every third removes it again, and each creates an organization.
 * The final targets must equal the model and no answer may be a 5xx.
 */
export async function twoServersOneFlag(ws: Workspace): Promise<SharedFileResult> {
  const a = await startServerProcess(ws.args);
  const b = await startServerProcess(ws.args);
  const status5xx: string[] = [];
  const expected = new Set<string>();
  const created: { id: string; name: string }[] = [];
  const note = (what: string, answer: Answer | undefined) => {
    if (!answer) status5xx.push(`${what}: no answer`);
    else if (answer.status >= 500) status5xx.push(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer;
  };
  try {
    await Promise.all(
      USERS.map(async (user, j) => {
        const [first, second] = j % 2 ? [a, b] : [b, a];
        const added = note(`add ${user}`, await call(first.url, 'POST', `/feature-flags/beta/targets/${user}`));
        const org = note(`create org ${j}`, await call(second.url, 'POST', '/organizations', { name: `shared-${j}` }, `shared-${j}`));
        if (org?.status === 201) created.push({ id: org.body.id, name: `shared-${j}` });
        note(`toggle ${j}`, await call(second.url, 'PUT', `/feature-flags/beta/${j % 2 ? 'enable' : 'disable'}`));
        if (j % 3 === 0) {
          const removed = note(`remove ${user}`, await call(second.url, 'DELETE', `/feature-flags/beta/targets/${user}`));
          if (removed && removed.status >= 300) expected.add(user);
        } else if (added && added.status < 300) expected.add(user);
      }),
    );
    const missingCreates: string[] = [];
    for (const org of created) {
      for (const server of [a, b]) {
        const got = await call(server.url, 'GET', `/organizations/${org.id}`);
        if (got?.status !== 200) missingCreates.push(`${org.name} on ${server === a ? 'A' : 'B'}: ${got?.status}`);
      }
    }
    const db = new Database(ws.db, { readonly: true });
    const actual = db
      .prepare(`SELECT t.target_id FROM flag_targets t JOIN feature_flags f ON f.environment_id = t.environment_id AND f.id = t.flag_id WHERE f.slug = 'beta' ORDER BY 1`)
      .pluck()
      .all() as string[];
    db.close();
    return { status5xx, expectedTargets: [...expected].sort(), actualTargets: actual, acknowledgedCreates: created.length, missingCreates };
  } finally {
    await Promise.all([kill9(a), kill9(b)]);
  }
}

export interface ShutdownResult {
  exitMs: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  acknowledged: number;
  lost: string[];
  status5xx: string[];
}

/** SIGTERM while a busy client writes, an idle keep-alive client waits and a stalled client is mid-request. */
export async function sigtermWithClients(ws: Workspace): Promise<ShutdownResult> {
  let server: ServerProcess = await startServerProcess(ws.args);
  const port = Number(new URL(server.url).port);
  const acked: { id: string; name: string }[] = [];
  const status5xx: string[] = [];
  let stop = false;
  const busy = (async () => {
    for (let i = 0; !stop; i++) {
      const name = `term-${i}`;
      const answer = await call(server.url, 'POST', '/organizations', { name }, `term-${i}`);
      if (!answer) return;
      if (answer.status >= 500) status5xx.push(`${name}: ${answer.status}`);
      if (answer.status === 201) acked.push({ id: answer.body.id, name });
    }
  })();
  const idle = net.connect(port, '127.0.0.1');
  idle.on('error', () => {});
  idle.write(`GET /health HTTP/1.1\r\nHost: x\r\n\r\n`);
  const stalled = net.connect(port, '127.0.0.1');
  stalled.on('error', () => {});
  stalled.write(`POST /organizations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{"na`);
  await new Promise((r) => setTimeout(r, 800));
  const started = Date.now();
  server.child.kill('SIGTERM');
  const { code, signal } = await server.exited;
  const exitMs = Date.now() - started;
  stop = true;
  await busy;
  idle.destroy();
  stalled.destroy();
  server = await startServerProcess(ws.args);
  const lost: string[] = [];
  try {
    for (const org of acked) {
      const got = await call(server.url, 'GET', `/organizations/${org.id}`);
      if (got?.status !== 200) lost.push(`${org.name}: ${got?.status}`);
    }
  } finally {
    await kill9(server);
  }
  return { exitMs, code, signal, acknowledged: acked.length, lost, status5xx };
}

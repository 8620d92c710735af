import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { ENV_VARS } from '../src/config.js';

// The CLI as users run it, one process per case. It runs from source through tsx's loader:
// building dist first costs more than every spawn here together, and cannot go stale.

const CLI = ['--import', 'tsx', 'src/cli.ts'];
// The first line on stdout, alone on its line: what scripts read to learn the port.
const BANNER = /^flagstand listening on (http:\/\/(\S+):(\d+))$/m;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flagstand-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The environment without any FLAGSTAND_* variable, plus `env`. */
function cleanEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of Object.values(ENV_VARS)) delete base[name];
  return { ...base, ...env };
}

/** Runs the CLI to its exit. */
function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    // 'close', not 'exit': 'exit' can fire before the pipes are drained, losing the message.
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Server {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts the CLI, stopped when the test ends, and resolves once its banner names the URL it listens on. */
function start(test: TestContext, args: string[], env: Record<string, string> = {}): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    test.onTestFinished(() => stop(child).then(() => undefined));
    let output = '';
    const onData = (d: Buffer) => {
      output += d;
      const match = BANNER.exec(output);
      if (match) resolve({ child, url: match[1], output: () => output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (output += d));
    child.on('exit', (code) => reject(new Error(`flagstand exited (${code}) before listening:\n${output}`)));
  });
}

/** Resolves once the server's output matches `pattern` (lines after the banner may come in later chunks). */
async function waitFor(server: Server, pattern: RegExp): Promise<void> {
  for (let i = 0; i < 100 && !pattern.test(server.output()); i++) await new Promise((r) => setTimeout(r, 50));
  expect(server.output()).toMatch(pattern);
}

/** SIGTERM, then the exit code. */
function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const get = (url: string, key?: string) => fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });

function seedFile(name: string, yaml: string): string {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
}

const SEED = `
api_keys: [sk_test_seeded]
feature_flags:
  - slug: beta
    enabled: false
  - slug: gamma
    enabled: true
    default_value: true
`;

// These cases only wait on a process each: run them side by side.
describe.concurrent('flagstand CLI arguments', { timeout: 60_000 }, () => {
  it('--help prints the usage, every env var, and exits 0', async ({ expect }) => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: flagstand \[options\]/m);
    for (const name of Object.values(ENV_VARS)) expect(stdout).toContain(name);
    expect(stdout).toContain('/_flagstand/environments/current/reset');
  });

  it.for([
    [['--nope'], /^flagstand: Unknown option '--nope'$/m],
    [['--port', 'abc'], /--port must be an integer from 0 to 65535, got 'abc'/],
    [['--port', '70000'], /--port must be an integer/],
    [['--log-level', 'loud'], /--log-level must be one of/],
    [['--api-key', 'pk_test_1'], /--api-key must look like sk_…, got 'pk_test_1'/],
    [['stray'], /Unexpected argument 'stray'/],
  ] as const)('%j → exit 2 with one line and a hint, not the whole help', async ([args, message], { expect }) => {
    const { code, stderr } = await run([...args]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.split('\n')).toEqual([expect.stringMatching(/^flagstand: /), "Run 'flagstand --help' to list the options.", '']);
  });

  it.for([
    [{ [ENV_VARS.port]: 'abc' }, /^flagstand: FLAGSTAND_PORT must be an integer from 0 to 65535, got 'abc'$/m],
    [{ [ENV_VARS.logLevel]: 'loud' }, /^flagstand: FLAGSTAND_LOG_LEVEL must be one of /m],
    [{ [ENV_VARS.apiKeys]: 'sk_test_ok,pk_test_1' }, /^flagstand: FLAGSTAND_API_KEYS must look like sk_…, got 'pk_test_1'$/m],
  ] as const)('a bad env var %j is named in the message, not the flag', async ([env, message], { expect }) => {
    const { code, stderr } = await run([], { ...env });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/--port|--log-level|--api-key/);
  });

  it('a bad seed exits non-zero naming the entry', async ({ expect }) => {
    const seed = seedFile('bad.yaml', 'feature_flags:\n  - slug: beta\n  - slug: beta\n');
    const { code, stderr } = await run(['--port', '0', '--seed', seed]);
    expect(code).toBe(2);
    expect(stderr).toContain("seed: feature_flags[1].slug: duplicate slug 'beta'");
  });

  it('a seed that is not YAML exits non-zero naming the file', async ({ expect }) => {
    const seed = seedFile('broken.yaml', 'feature_flags: [\n');
    const { code, stderr } = await run(['--port', '0', '--seed', seed]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/seed file .*broken\.yaml is not valid YAML/);
  });
});

// One at a time: side by side, server start-ups starve each other on a busy machine.
describe('flagstand CLI serving', { timeout: 60_000 }, () => {
  it('--port 0 prints the real URL; /health needs no key; every --api-key works; the port is then taken; SIGTERM exits 0', async (test) => {
    const { expect } = test;
    // sk_test_seeded is also in the seed: saying it twice is no conflict.
    const keys = ['sk_test_one', 'sk_test_two', 'sk_test_seeded'];
    const server = await start(test, ['--port', '0', '--seed', seedFile('seed.yaml', SEED), ...keys.flatMap((k) => ['--api-key', k])]);
    const port = BANNER.exec(server.output())![3];
    expect(Number(port)).toBeGreaterThan(0);
    const health = await get(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    for (const key of keys) {
      const res = await get(`${server.url}/feature-flags`, key);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: { slug: string }[] }).data.map((f) => f.slug)).toEqual(['gamma', 'beta']);
    }
    expect((await get(`${server.url}/feature-flags`)).status).toBe(401);

    const taken = await run(['--port', port]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('EADDRINUSE');

    expect(await stop(server.child)).toBe(0);
  });

  it('without any key, sk_test_default works and the banner says so', async (test) => {
    const { expect } = test;
    const server = await start(test, ['--port', '0']);
    await waitFor(server, /no API key configured: accepting sk_test_default/);
    expect((await get(`${server.url}/feature-flags`, 'sk_test_default')).status).toBe(200);
  });

  it('--db: data persists across restarts in WAL mode, and the seed is not loaded twice', async (test) => {
    const { expect } = test;
    const db = join(dir, 'persist.db');
    const seed = seedFile('persist.yaml', SEED);
    const first = await start(test, ['--port', '0', '--db', db, '--seed', seed]);
    await waitFor(first, new RegExp(`  db: ${db.replace(/[.\\/]/g, '\\$&')}\\n`));
    const enabled = await fetch(`${first.url}/feature-flags/beta/enable`, { method: 'PUT', headers: { authorization: 'Bearer sk_test_seeded' } });
    expect(enabled.status).toBe(200);
    expect(existsSync(`${db}-wal`)).toBe(true);
    expect(await stop(first.child)).toBe(0);

    const second = await start(test, ['--port', '0', '--db', db, '--seed', seed]);
    await waitFor(second, /  seed not loaded: .*persist\.db already holds data/);
    const res = await get(`${second.url}/feature-flags`, 'sk_test_seeded');
    const flags = ((await res.json()) as { data: { slug: string; enabled: boolean }[] }).data;
    // Still two flags (not four), and beta kept the change made before the restart.
    expect(flags.map((f) => [f.slug, f.enabled])).toEqual([
      ['gamma', true],
      ['beta', true],
    ]);
    expect(await stop(second.child)).toBe(0);

    const file = new Database(db, { readonly: true });
    expect(file.pragma('journal_mode', { simple: true })).toBe('wal');
    file.close();
  });

  it('reads every option from FLAGSTAND_* env vars', async (test) => {
    const { expect } = test;
    const db = join(dir, 'env.db');
    const server = await start(test, [], {
      [ENV_VARS.port]: '0',
      [ENV_VARS.host]: '127.0.0.1',
      [ENV_VARS.db]: db,
      [ENV_VARS.seed]: seedFile('env.yaml', SEED),
      [ENV_VARS.apiKeys]: 'sk_test_env1, sk_test_env2',
      [ENV_VARS.logLevel]: 'error',
    });
    await waitFor(server, new RegExp(`  db: ${db.replace(/[.\\/]/g, '\\$&')}\\n`));
    for (const key of ['sk_test_env1', 'sk_test_env2', 'sk_test_seeded']) {
      expect((await get(`${server.url}/feature-flags`, key)).status).toBe(200);
    }
  });

  it('flags win over env vars', async (test) => {
    const { expect } = test;
    const server = await start(test, ['--port', '0', '--api-key', 'sk_test_flag'], { [ENV_VARS.port]: 'not-a-port', [ENV_VARS.apiKeys]: 'sk_test_env' });
    expect((await get(`${server.url}/feature-flags`, 'sk_test_flag')).status).toBe(200);
    expect((await get(`${server.url}/feature-flags`, 'sk_test_env')).status).toBe(401);
  });

  it('--log-level silent still prints the URL: one line on stdout, nothing else', async (test) => {
    const { expect } = test;
    const server = await start(test, ['--port', '0', '--log-level', 'silent']);
    expect((await get(`${server.url}/health`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(server.output()).toMatch(/^flagstand listening on http:\/\/127\.0\.0\.1:\d+\n$/);
  });

  it('--host 0.0.0.0: the banner shows the bound host, and the server answers there', async (test) => {
    const { expect } = test;
    const server = await start(test, ['--port', '0', '--host', '0.0.0.0']);
    const [, url, host, port] = BANNER.exec(server.output())!;
    expect(host).toBe('0.0.0.0');
    await waitFor(server, new RegExp(`admin API .*: ${url.replace(/\./g, '\\.')}/_flagstand/`));
    expect((await get(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    // The admin URL the banner prints answers an index of the admin routes.
    const index = await get(`http://127.0.0.1:${port}/_flagstand/`);
    expect(index.status).toBe(200);
  });

  it('a closed stdout (`flagstand | head -1`) does not stop the server', async ({ expect, onTestFinished }) => {
    const port = await freePort();
    const child = spawn(process.execPath, [...CLI, '--port', String(port)], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    onTestFinished(() => stop(child).then(() => undefined));
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    // The reader goes away before the banner is written: every banner line then meets EPIPE.
    child.stdout!.destroy();
    const url = `http://127.0.0.1:${port}`;
    let health = 0;
    for (let i = 0; i < 300 && child.exitCode === null && health !== 200; i++) {
      health = await get(`${url}/health`).then((r) => r.status, () => 0);
      if (health !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(health, stderr).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(child.exitCode, stderr).toBe(null);
    expect((await get(`${url}/feature-flags`, 'sk_test_default')).status).toBe(200);
  });
});

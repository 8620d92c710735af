import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkOS } from '@workos-inc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSeed } from '../bench/seed.js';
import { checkSeed } from '../src/seed/check.js';
// @ts-expect-error: a plain .mjs build script without types
import { bundleCli } from '../scripts/bundle-cli.mjs';

// `npm start` and `npx flagstand` run the bundled CLI (dist/cli.js), not src: this builds the
// bundle the way `npm run build` does and drives it end to end, so a module the bundle cannot
// carry (a dynamic require, a path resolved from import.meta.url) fails here, not for users.
const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'test/.tmp-bundle/cli.js'); // two levels below the repo, like dist/db/*.js
const tmp = mkdtempSync(join(tmpdir(), 'flagstand-bundle-'));
let child: ChildProcess;
let url: string;

beforeAll(async () => {
  await bundleCli(join(root, 'src/cli.ts'), bundle);
  child = spawn(
    process.execPath,
    [bundle, '--port', '0', '--db', join(tmp, 'db.sqlite'), '--seed', join(root, 'examples/seed.yaml')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  url = await listeningUrl(child);
});

/** The URL the CLI prints once it listens; rejects with its output if it exits first. */
function listeningUrl(process: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let output = '';
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]);
    };
    process.stdout!.on('data', read);
    process.stderr!.on('data', read);
    process.on('exit', (code) => reject(new Error(`bundled CLI exited (${code}):\n${output}`)));
  });
}

afterAll(() => {
  child?.kill();
  rmSync(tmp, { recursive: true, force: true });
  rmSync(join(root, 'test/.tmp-bundle'), { recursive: true, force: true });
});

describe('the bundled CLI', () => {
  it('migrates, loads a YAML seed and answers /health', async () => {
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('serves the seeded flags to the official SDK', async () => {
    const port = Number(new URL(url).port);
    const workos = new WorkOS('sk_test_default', { apiHostname: '127.0.0.1', port, https: false });
    const flags = await workos.featureFlags.listFeatureFlags();
    expect(flags.data.map((f) => f.slug).sort()).toEqual(['advanced-analytics', 'new-checkout']);
    const forOrg = await workos.featureFlags.listOrganizationFeatureFlags({ organizationId: 'org_01HZX5QW0000000000000000A1' });
    expect(forOrg.data.map((f) => f.slug).sort()).toEqual(['advanced-analytics', 'new-checkout']);
  });

  it('answers bad input with a JSON 4xx', async () => {
    const headers = { authorization: 'Bearer sk_test_default' };
    const bad = await fetch(`${url}/feature-flags?limit=500`, { headers });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('invalid_request_parameters');
    const unknown = await fetch(`${url}/organizations/org_01HZX5QW0000000000000000ZZ/feature-flags`, { headers });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { message: string }).message).toBe("Organization not found: 'org_01HZX5QW0000000000000000ZZ'.");
  });

  it('checks a big seed in its worker: a bad one exits 2 with the error the inline check gives, and loads nothing', async () => {
    const path = join(tmp, 'big.json');
    generateSeed({ flags: 50, organizations: 1_000, users: 20_000, targets: 60_000 }, path);
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    doc.feature_flags[49].targets.push('user_01HX0000000000000000000000');
    writeFileSync(path, JSON.stringify(doc));
    const expected = (() => {
      try {
        checkSeed(doc);
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(expected).toMatch(/^seed: feature_flags\[49\] \(flag-49\)\.targets\[\d+\]: 'user_01HX0+' is not a user of this seed$/);
    const dbPath = join(tmp, 'big.sqlite');
    const run = spawn(process.execPath, [bundle, '--port', '0', '--db', dbPath, '--seed', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    run.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => run.on('close', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain(expected);
    // The file holds no environment: a second start with a good seed loads it.
    doc.feature_flags[49].targets.pop();
    writeFileSync(path, JSON.stringify(doc));
    const good = spawn(process.execPath, [bundle, '--port', '0', '--db', dbPath, '--seed', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    const goodUrl = await listeningUrl(good);
    try {
      const res = await fetch(`${goodUrl}/feature-flags?limit=100`, { headers: { authorization: 'Bearer sk_test_bench' } });
      expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(50);
    } finally {
      good.kill();
    }
  }, 60_000);

  it('`npm start` passes SIGTERM on to the server: none is left running on the port', async () => {
    // package.json's own start script, run by npm itself, with the bundle in place of dist/cli.js.
    const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
    expect(scripts.start).toContain('dist/cli.js');
    const project = join(tmp, 'npm-start');
    mkdirSync(project);
    const start = scripts.start.replace('dist/cli.js', JSON.stringify(bundle));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'npm-start', private: true, scripts: { start } }));
    const npm = spawn('npm', ['start', '--silent', '--', '--port', '0'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    const started = await listeningUrl(npm);
    expect((await fetch(`${started}/health`)).status).toBe(200);
    const exited = new Promise((resolve) => npm.on('exit', resolve));
    npm.kill('SIGTERM');
    await exited;
    // An orphaned server would still answer; a stopped one refuses the connection.
    let answered = true;
    for (let i = 0; i < 50 && answered; i++) {
      answered = await fetch(`${started}/health`).then(() => true, () => false);
      if (answered) await new Promise((r) => setTimeout(r, 100));
    }
    expect(answered).toBe(false);
  }, 60_000);
});

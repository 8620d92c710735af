import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkOS } from '@workos-inc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => reject(new Error(`bundled CLI exited (${code}):\n${output}`)));
  });
});

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
});

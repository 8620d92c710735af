import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../src/http/api-error.js';
// @ts-expect-error: a plain .mjs build script without types
import { bundleClient } from '../scripts/bundle-client.mjs';

// `flagstand/client` is imported by every test file of a user's suite: it must not load the server
// (Fastify, SQLite, TypeBox), and must import in well under 50 ms. Built here as `npm run build`
// builds it, then imported by a fresh Node process that times the import itself.
const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'flagstand-client-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * The CPU milliseconds (user + system) a fresh process spends importing `file`, the least of three
 * runs, and the names it exports. CPU time, not wall time: on a busy machine the wall clock also
 * counts the time spent waiting for a core. The process first loads a module of the same kind that
 * does nothing, so the loader's own start-up is not counted against the client.
 */
function timeImport(file: string, format: 'cjs' | 'esm'): { ms: number; names: string[] } {
  const warm = join(tmp, format === 'cjs' ? 'warm.cjs' : 'warm.mjs');
  writeFileSync(warm, format === 'cjs' ? "require('node:fs'); require('node:url'); module.exports = {};" : "import 'node:fs'; import 'node:url'; export {};");
  const script =
    format === 'cjs'
      ? `require(${JSON.stringify(warm)}); const t = process.cpuUsage(); const m = require(${JSON.stringify(file)});`
      : `await import(${JSON.stringify(warm)}); const t = process.cpuUsage(); const m = await import(${JSON.stringify(file)});`;
  const report = `const d = process.cpuUsage(t); process.stdout.write(JSON.stringify({ ms: (d.user + d.system) / 1000, names: Object.keys(m).sort() }));`;
  const args = format === 'cjs' ? ['-e', script + report] : ['--input-type=module', '-e', script + report];
  const runs = [0, 1, 2].map(() => JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as { ms: number; names: string[] });
  return runs.sort((a, b) => a.ms - b.ms)[0];
}

describe('flagstand/client', () => {
  it.for(['cjs', 'esm'] as const)('as %s: nothing from node_modules, the client API exported, imported in < 50 ms of CPU', async (format) => {
    const file = join(tmp, `client.${format === 'cjs' ? 'cjs' : 'mjs'}`);
    const meta = (await bundleClient(join(root, 'src/client.ts'), file, format)) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(meta.inputs);
    expect(inputs.filter((path) => path.includes('node_modules/'))).toEqual([]);
    expect(inputs.some((path) => /src\/(app|server|db\/|stores)/.test(path))).toBe(false);
    const { ms, names } = timeImport(file, format);
    expect(names).toEqual(expect.arrayContaining(['ApiError', 'connectFlagstand']));
    expect(ms).toBeLessThan(50);
  });

  it("the bundle's ApiError and the server's are one class to instanceof", async () => {
    const file = join(tmp, 'brand.mjs');
    await bundleClient(join(root, 'src/client.ts'), file, 'esm');
    const bundled = (await import(file)) as { ApiError: typeof ApiError };
    expect(bundled.ApiError).not.toBe(ApiError);
    expect(new bundled.ApiError(404, { message: 'x' })).toBeInstanceOf(ApiError);
    expect(new ApiError(404, { message: 'x' })).toBeInstanceOf(bundled.ApiError);
    expect(new Error('x')).not.toBeInstanceOf(bundled.ApiError);
  });

  it('package.json maps flagstand/client to both forms, with types', async () => {
    const pkg = (await import('../package.json', { with: { type: 'json' } })).default as { exports: Record<string, unknown>; scripts: Record<string, string> };
    expect(pkg.exports['./client']).toEqual({ types: './dist/client.d.ts', import: './dist/client.mjs', require: './dist/client.cjs' });
    expect(pkg.scripts.build).toContain('scripts/bundle-client.mjs src/client.ts dist/client.cjs cjs');
    expect(pkg.scripts.build).toContain('scripts/bundle-client.mjs src/client.ts dist/client.mjs esm');
  });
});

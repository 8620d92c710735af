import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { bundleClient } from '../scripts/bundle-client.mjs';

// `flagstand/client` is imported by every test file of a user's suite: it must not load the server
// (Fastify, SQLite, TypeBox), and must import in well under 50 ms. Built here as `npm run build`
// builds it, then imported by a fresh Node process that times the import itself.
const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'flagstand-client-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * Milliseconds a fresh process takes to import `file` (the fastest of three), and the names it
 * exports. The process first loads a module of the same kind that does nothing, so the loader's
 * own start-up (tens of ms on a busy machine) is not counted against the client.
 */
function timeImport(file: string, format: 'cjs' | 'esm'): { ms: number; names: string[] } {
  const warm = join(tmp, format === 'cjs' ? 'warm.cjs' : 'warm.mjs');
  writeFileSync(warm, format === 'cjs' ? "require('node:fs'); require('node:url'); module.exports = {};" : "import 'node:fs'; import 'node:url'; export {};");
  const script =
    format === 'cjs'
      ? `require(${JSON.stringify(warm)}); const t = performance.now(); const m = require(${JSON.stringify(file)});`
      : `await import(${JSON.stringify(warm)}); const t = performance.now(); const m = await import(${JSON.stringify(file)});`;
  const report = `process.stdout.write(JSON.stringify({ ms: performance.now() - t, names: Object.keys(m).sort() }));`;
  const args = format === 'cjs' ? ['-e', script + report] : ['--input-type=module', '-e', script + report];
  const runs = [0, 1, 2].map(() => JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as { ms: number; names: string[] });
  return runs.sort((a, b) => a.ms - b.ms)[0];
}

describe('flagstand/client', () => {
  it.for(['cjs', 'esm'] as const)('as %s: nothing from node_modules, the client API exported, imported in < 50 ms', async (format) => {
    const file = join(tmp, `client.${format === 'cjs' ? 'cjs' : 'mjs'}`);
    const meta = (await bundleClient(join(root, 'src/client.ts'), file, format)) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(meta.inputs);
    expect(inputs.filter((path) => path.includes('node_modules/'))).toEqual([]);
    expect(inputs.some((path) => /src\/(app|server|db\/|stores)/.test(path))).toBe(false);
    const { ms, names } = timeImport(file, format);
    expect(names).toEqual(expect.arrayContaining(['ApiError', 'connectFlagstand']));
    expect(ms).toBeLessThan(50);
  });

  it('package.json maps flagstand/client to both forms, with types', async () => {
    const pkg = (await import('../package.json', { with: { type: 'json' } })).default as { exports: Record<string, unknown>; scripts: Record<string, string> };
    expect(pkg.exports['./client']).toEqual({ types: './dist/client.d.ts', import: './dist/client.js', require: './dist/client.cjs' });
    expect(pkg.scripts.build).toContain('scripts/bundle-client.mjs');
  });
});

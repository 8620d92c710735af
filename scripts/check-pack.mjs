#!/usr/bin/env node
// `npm run test:pack [-- --keep]`: packs flagstand as `npm pack` does and uses the tarball as an
// outside project would. Slow (an empty project installs everything, better-sqlite3 compiles if
// no prebuilt binary can be fetched) and needs the npm registry, hence not part of `npm test`.
//   1. the tarball holds dist/ (JS + .d.ts), the bin, every migration and the README, and no sources;
//   2. in an empty project (`npm init -y`, `npm install <tarball>`), `npx flagstand` starts and serves;
//   3. `import { startFlagstand } from 'flagstand'` type-checks (strict, NodeNext) and runs with the SDK;
//   4. two worker processes drive one server through @workos-inc/node, each in its own environment;
//   5. `flagstand/client` imports (ESM and CommonJS) without the server, in a few milliseconds;
//   6. the README's Vitest and Jest setups (examples/vitest, examples/jest) run in their own empty projects.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const keep = process.argv.includes('--keep');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'flagstand-pack-'));
const consumer = join(work, 'consumer');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

let failed = false;
const step = (title) => process.stdout.write(`\n== ${title}\n`);
const check = (ok, what) => {
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${what}\n`);
  if (!ok) failed = true;
};
const run = (cmd, args, cwd) => {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  } catch (err) {
    // tsc and node report on stdout: show it with the failure.
    throw new Error(`${cmd} ${args.join(' ')} failed (${err.status}):\n${err.stdout ?? ''}`);
  }
};

try {
  step('npm pack');
  const [packed] = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', work], ROOT));
  const tarball = join(work, packed.filename);
  const files = packed.files.map((f) => f.path);
  process.stdout.write(`${packed.filename}: ${files.length} files, ${(packed.size / 1024).toFixed(0)} kB\n`);
  const expected = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/index.js', 'dist/index.d.ts', 'dist/cli.js', 'dist/db/migrate.js'];
  expected.push('dist/client.mjs', 'dist/client.cjs', 'dist/client.d.ts', 'examples/seed.yaml', 'examples/flags.yaml');
  for (const required of expected) {
    check(files.includes(required), `contains ${required}`);
  }
  for (const migration of readdirSync(join(ROOT, 'migrations')).filter((f) => f.endsWith('.sql'))) {
    check(files.includes(`migrations/${migration}`), `contains migrations/${migration}`);
  }
  const strays = files.filter((f) => /^(src|test|bench|scripts|node_modules)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('examples/')));
  check(strays.length === 0, `holds no sources or tests${strays.length ? `: ${strays.slice(0, 5).join(', ')}` : ''}`);

  step('install into an empty project');
  mkdirSync(consumer);
  run(npm, ['init', '-y'], consumer);
  const dev = pkg.devDependencies;
  run(npm, ['install', '--no-audit', '--no-fund', tarball, `@workos-inc/node@${dev['@workos-inc/node']}`, `typescript@${dev.typescript}`, `@types/node@${dev['@types/node']}`], consumer);
  check(true, 'npm install <tarball> @workos-inc/node typescript');

  step('npx flagstand');
  const served = await new Promise((resolve) => {
    // Its own process group: npx runs the server as a child of its own, and both must stop.
    const child = spawn(npx, ['flagstand', '--port', '0'], { cwd: consumer, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    const done = (result) => {
      clearTimeout(timer);
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      resolve(result);
    };
    const timer = setTimeout(() => done({ error: `no banner within 60 s: ${out}` }), 60_000);
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => done({ error: `exited with ${code}: ${out}` }));
    child.stdout.on('data', async (d) => {
      out += d;
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (!url) return;
      try {
        const health = await fetch(`${url}/health`);
        const flags = await fetch(`${url}/feature-flags`, { headers: { authorization: 'Bearer sk_test_default' } });
        done({ url, health: health.status, flags: flags.status, body: await flags.json() });
      } catch (err) {
        done({ error: String(err) });
      }
    });
  });
  check(!served.error, `starts and prints its URL${served.error ? `: ${served.error}` : ` (${served.url})`}`);
  check(served.health === 200, 'GET /health answers 200');
  check(served.flags === 200 && served.body?.object === 'list', 'GET /feature-flags with sk_test_default answers a list');

  step("import { startFlagstand } from 'flagstand' (types, then run)");
  cpSync(join(ROOT, 'scripts/pack-consumer'), consumer, { recursive: true });
  run(npx, ['tsc', '-p', 'tsconfig.json'], consumer);
  check(true, 'check.mts type-checks against the installed .d.ts files (strict, NodeNext, skipLibCheck off)');
  const result = JSON.parse(run(process.execPath, ['out/check.mjs'], consumer));
  check(result.enabled === true && result.restored === true && result.key === true && result.status === 200, `check.mjs runs: ${JSON.stringify(result)}`);

  step('two worker processes, one server, separate environments');
  const parallel = run(process.execPath, ['parallel.mjs'], consumer);
  process.stdout.write(parallel);
  check(/worker a: ok/.test(parallel) && /worker b: ok/.test(parallel), 'both workers saw only their own environment');

  step("flagstand/client: the HTTP client alone");
  // What it loads: the ES module's imports (relative ones followed through) and the CommonJS bundle's
  // requires may name Node built-ins only (no Fastify, no SQLite, no TypeBox).
  const installed = join(consumer, 'node_modules/flagstand/dist');
  const external = new Set();
  const seen = new Set();
  const follow = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, spec, bare] of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'";]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) {
      const name = spec ?? bare;
      if (name.startsWith('.')) follow(join(dirname(file), name));
      else external.add(name);
    }
  };
  follow(join(installed, 'client.mjs'));
  for (const [, spec] of readFileSync(join(installed, 'client.cjs'), 'utf8').matchAll(/require\("([^"]+)"\)/g)) external.add(spec);
  const heavy = [...external].filter((spec) => !spec.startsWith('node:'));
  check(heavy.length === 0, `loads Node built-ins only (${seen.size} ES module file${seen.size > 1 ? 's' : ''})${heavy.length ? `: ${heavy.join(', ')}` : ''}`);
  // How long: a fresh process first loads a do-nothing module of the same kind, so the loader's own
  // start-up is not counted; the least of three runs. Checked on CPU time (a busy machine stretches
  // the wall clock with waits for a core), reported with the wall time.
  writeFileSync(join(consumer, 'warm.mjs'), 'export {};');
  writeFileSync(join(consumer, 'warm.cjs'), 'module.exports = {};');
  for (const [kind, args] of [
    ['ESM', ['--input-type=module', '-e', "await import('./warm.mjs'); const w = performance.now(); const t = process.cpuUsage(); const m = await import('flagstand/client'); REPORT"]],
    ['CommonJS', ['-e', "require('./warm.cjs'); const w = performance.now(); const t = process.cpuUsage(); const m = require('flagstand/client'); REPORT"]],
  ]) {
    const report = 'const d = process.cpuUsage(t); process.stdout.write(JSON.stringify({ ms: (d.user + d.system) / 1000, wall: performance.now() - w, names: Object.keys(m) }));';
    const runs = [0, 1, 2].map(() => JSON.parse(run(process.execPath, args.map((a) => a.replace('REPORT', report)), consumer)));
    const best = runs.sort((a, b) => a.ms - b.ms)[0];
    check(best.names.includes('connectFlagstand') && best.names.includes('ApiError'), `${kind}: exports connectFlagstand and ApiError`);
    check(best.ms < 50, `${kind}: imports in ${best.ms.toFixed(1)} ms of CPU (< 50), ${best.wall.toFixed(1)} ms wall`);
  }

  for (const runner of ['vitest', 'jest']) {
    step(`the README's ${runner} setup (examples/${runner}) in an empty project`);
    const project = join(work, runner);
    mkdirSync(project);
    run(npm, ['init', '-y'], project);
    const tools = runner === 'vitest' ? [`vitest@${dev.vitest}`] : ['jest@30'];
    run(npm, ['install', '--no-audit', '--no-fund', tarball, `@workos-inc/node@${dev['@workos-inc/node']}`, ...tools], project);
    cpSync(join(ROOT, 'examples', runner), project, { recursive: true });
    cpSync(join(ROOT, 'examples/flags.yaml'), join(project, 'test/flags.yaml'));
    const output = run(npx, runner === 'vitest' ? ['vitest', 'run'] : ['jest'], project);
    check(true, `npx ${runner === 'vitest' ? 'vitest run' : 'jest'}: every example test passes`);
    if (keep) process.stdout.write(output);
  }
} catch (err) {
  check(false, String(err.message ?? err));
} finally {
  if (keep) process.stdout.write(`\nkept ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
}
process.stdout.write(failed ? '\npack check FAILED\n' : '\npack check passed\n');
process.exit(failed ? 1 : 0);

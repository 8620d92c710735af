import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFlagstand, type RunningFlagstand } from '../src/index.js';

// The README's quick starts, run as written against a server started on the README's seed, so the
// front door cannot rot: a renamed route, SDK method or seed entry fails here. The only change made
// to the blocks is the port (the README says 4100; the test takes a free one).
const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const run = promisify(execFile);

/** The code block right after `<!-- readme-test: NAME -->`. */
function block(name: string): string {
  const match = new RegExp(`<!-- readme-test: ${name} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\\n\`\`\``).exec(readme);
  if (!match) throw new Error(`README.md has no block marked readme-test: ${name}`);
  return match[1];
}

/** Every fenced block of the README, by its first line (`// test/flagstand.setup.ts: …`). */
function blocksNamed(pattern: RegExp): string[] {
  return [...readme.matchAll(/```\w+\n([\s\S]*?)\n```/g)].map((m) => m[1]).filter((b) => pattern.test(b));
}

let server: RunningFlagstand;
const quickstart = join(root, 'test/.tmp-readme-quickstart.mjs');
beforeAll(async () => {
  // What `npm start -- --seed examples/seed.yaml` serves, on a free port.
  expect(readme).toContain('npm start -- --seed examples/seed.yaml');
  server = await startFlagstand({ seed: join(root, 'examples/seed.yaml'), logLevel: 'silent' });
});
afterAll(async () => {
  await server?.close();
  rmSync(quickstart, { force: true });
});

describe('README quick starts', () => {
  it('the curl block: every command succeeds, in order', async () => {
    const script = block('curl').replaceAll('localhost:4100', `127.0.0.1:${server.port}`);
    expect(script).not.toContain('4100');
    // --fail: an HTTP error status fails the command, and `set -e` the block.
    const { stdout } = await run('sh', ['-c', `set -e\ncurl() { command curl --fail --show-error "$@"; }\n${script}`], { timeout: 30_000 });
    // curl adds no newline of its own: the `-w '%{http_code}\n'` line ends with the 204.
    expect(stdout.startsWith('{"status":"ok"}')).toBe(true);
    expect(stdout).toMatch(/204\n/);
    expect(stdout).toContain('"object":"list"');
  });

  it('the SDK block runs with the SDK it names, and prints what its comments say', async () => {
    expect(readme).toMatch(/npm install @workos-inc\/node@11/);
    const sdk = JSON.parse(readFileSync(join(root, 'node_modules/@workos-inc/node/package.json'), 'utf8')) as { version: string };
    expect(sdk.version).toMatch(/^11\./);
    const code = block('sdk');
    expect(code).toContain('port: 4100');
    writeFileSync(quickstart, code.replace('port: 4100', `port: ${server.port}`));
    const { stdout } = await run(process.execPath, [quickstart], { cwd: root, timeout: 30_000 });
    // `console.log(…); // what it prints` in the block, in order, against the lines printed.
    const expected = code
      .split('\n')
      .filter((line) => line.includes('console.log('))
      .map((line) => /\); \/\/ (.*)$/.exec(line)?.[1]);
    const printed = stdout.trimEnd().split('\n');
    // Every line it prints says what it prints: an uncommented one would go unchecked.
    expect(expected).not.toContain(undefined);
    expect(printed).toEqual(expected);
  });
});

describe('README setups match the runnable examples', () => {
  // The README shows the examples' files shortened; each of its code lines must be in the file it names.
  it.for([
    ['vitest', /\/\/ test\/flagstand\.global\.ts/],
    ['jest', /\/\/ test\/flagstand\.global-setup\.mjs/],
  ] as const)('%s', ([runner, pattern]) => {
    const [shown] = blocksNamed(pattern);
    expect(shown).toBeDefined();
    let file = '';
    for (const line of shown.split('\n')) {
      const named = /^\/\/ ((?:test\/)?[\w./-]+\.(?:ts|js|mjs))(?:[: (]|$)/.exec(line);
      if (named) {
        file = readFileSync(join(root, 'examples', runner, named[1]), 'utf8');
        continue;
      }
      const code = line.replace(/\s*\/\/.*$/, '').trim();
      if (!code || line.trim().startsWith('//')) continue;
      expect(file, `examples/${runner}: ${code}`).toContain(code);
    }
  });

  it('the seed the README shows is examples/flags.yaml', () => {
    const shown = blocksNamed(/^organizations:/)[0];
    expect(readFileSync(join(root, 'examples/flags.yaml'), 'utf8')).toContain(shown);
  });
});

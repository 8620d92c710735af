import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV_VARS } from '../../src/config.js';
// @ts-expect-error: a plain .mjs build script without types
import { bundleCli } from '../../scripts/bundle-cli.mjs';

// flagstand as its own process, so it can be killed with -9: the CLI bundled the way `npm run
// build` bundles it (one file starts in a fraction of the time tsx takes to load src/), built once.

const root = fileURLToPath(new URL('../..', import.meta.url));
const BUNDLE = join(root, 'test/.tmp-crash-bundle/cli.js'); // two levels below the repo, like dist/db/*.js
let bundled: Promise<void> | undefined;
const BANNER = /flagstand listening on (http:\/\/127\.0\.0\.1:(\d+))/;

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

export async function startServerProcess(args: string[]): Promise<ServerProcess> {
  await (bundled ??= bundleCli(join(root, 'src/cli.ts'), BUNDLE));
  const env = { ...process.env };
  for (const name of Object.values(ENV_VARS)) delete env[name];
  const child = spawn(process.execPath, [BUNDLE, '--port', '0', '--log-level', 'error', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      output += d;
      const match = BANNER.exec(output);
      if (match) resolve({ child, url: match[1], exited, output: () => output });
    });
    child.stderr!.on('data', (d) => (output += d));
    void exited.then(({ code, signal }) => reject(new Error(`flagstand exited (${code ?? signal}) before listening:\n${output}`)));
  });
}

/** kill -9: no handler runs, nothing is flushed but what SQLite already committed. */
export async function kill9(server: ServerProcess): Promise<void> {
  server.child.kill('SIGKILL');
  await server.exited;
}

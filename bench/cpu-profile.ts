/**
 * What bench/profile.ts and `bench:authz -- --profile` share: the CLI bundled unminified
 * (dist/profile/, so names and lines read as in src/), the node flags that write a .cpuprofile
 * when the server stops, and a summary of the functions with the most self time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = new URL('..', import.meta.url).pathname;

/** Bundles src/cli.ts unminified; returns the file to run. */
export async function bundleForProfile(): Promise<string> {
  const cli = join(ROOT, 'dist/profile/cli.js');
  await build({
    entryPoints: [join(ROOT, 'src/cli.ts')],
    outfile: cli,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'yaml'],
    sourcemap: false,
    logLevel: 'warning',
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
  });
  return cli;
}

export const profileFlags = (dir: string) => ['--cpu-prof', '--cpu-prof-dir', dir];

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}

/**
 * Prints the `top` functions by self time of the .cpuprofile written into `dir` since `before`
 * was listed: share of all samples, and with `requests` (those answered while profiling) µs per request.
 */
export function printProfile(dir: string, before: Set<string>, top = 40, requests?: number): void {
  const file = readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: Node[]; startTime: number; endTime: number };
  const self = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const where = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${n.callFrame.lineNumber + 1}`;
    self.set(where, (self.get(where) ?? 0) + n.hitCount);
    total += n.hitCount;
  }
  // Samples are evenly spaced over the profile's span (µs).
  const usPerHit = (profile.endTime - profile.startTime) / total;
  const perRequest = (hits: number) => (requests ? `${((hits * usPerHit) / requests).toFixed(2).padStart(6)} µs/req  ` : '');
  console.log(`profile: ${join(dir, file)}`);
  for (const [where, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((hits / total) * 100).toFixed(1).padStart(5)}%  ${perRequest(hits)}${where}`);
  }
}

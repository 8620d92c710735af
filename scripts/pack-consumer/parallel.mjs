// Two test workers in two processes share one server, each in its own environment (run in an
// empty project that installed the packed tarball, by scripts/check-pack.mjs).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFlagstand } from 'flagstand';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./worker.mjs', import.meta.url));
const server = await startFlagstand({ seed: { feature_flags: [{ slug: 'beta', enabled: false }] } });
try {
  const results = await Promise.all(['a', 'b'].map((name) => run(process.execPath, [worker, server.url, server.apiKey, name])));
  for (const r of results) process.stdout.write(r.stdout);
  console.log(`environments: ${(await server.listEnvironments()).map((e) => e.name).join(', ')}`);
} finally {
  await server.close();
}

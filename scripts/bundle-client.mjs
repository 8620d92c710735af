// Builds the client-only entry `flagstand/client` as one file per module system: dist/client.mjs
// (import) and dist/client.cjs (require, for Jest setups that run CommonJS). One file loads faster
// than the handful tsc emits, and the client needs no dependency, only fetch.
import { build } from 'esbuild';

export async function bundleClient(entry, outfile, format = 'cjs') {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format,
    target: 'node20',
    packages: 'bundle',
    allowOverwrite: true,
    metafile: true,
    // CommonJS has no import.meta: give the code that reads it (a seed file's YAML parser, loaded
    // through createRequire) this file's URL.
    ...(format === 'cjs' && {
      define: { 'import.meta.url': '__flagstandFileUrl' },
      banner: { js: "const __flagstandFileUrl = require('node:url').pathToFileURL(__filename).href;" },
    }),
    logLevel: 'warning',
  });
  return result.metafile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await bundleClient(process.argv[2] ?? 'src/client.ts', process.argv[3] ?? 'dist/client.cjs', process.argv[4] ?? 'cjs');
}

// Builds the CommonJS form of the client-only entry (dist/client.cjs), for `require('flagstand/client')`
// in Jest setups that run CommonJS. The ES module form is tsc's dist/client.js. One file, no
// dependencies: the client needs only fetch.
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
  await bundleClient(process.argv[2] ?? 'src/client.ts', process.argv[3] ?? 'dist/client.cjs');
}

// Writes openapi/flagstand.json from the TypeBox route schemas. `npm run gen:openapi`;
// test/contract/openapi.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderOpenApi } from './render-openapi.js';

const target = fileURLToPath(new URL('../openapi/flagstand.json', import.meta.url));
writeFileSync(target, await renderOpenApi());
console.log(`wrote ${target}`);

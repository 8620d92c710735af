import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SeedError } from './seed-error.js';

const requireModule = createRequire(import.meta.url);

// The YAML parser is loaded for the first YAML seed only (a tenth of start-up otherwise).
const parseYaml = (text: string, options: { maxAliasCount: number }): unknown =>
  (requireModule('yaml') as typeof import('yaml')).parse(text, options);

/** Reads a JSON or YAML seed file (YAML is a superset, but JSON.parse is much faster for big seeds). */
export function readSeedFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SeedError(`cannot read seed file ${path}: ${(err as Error).message}`);
  }
  try {
    return /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: -1 });
  } catch (err) {
    throw new SeedError(`seed file ${path} is not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
}

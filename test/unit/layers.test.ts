import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// What may import what (docs/architecture.md), read from the sources: a layer that reaches up
// into another fails here, not in review.
const src = fileURLToPath(new URL('../../src', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Every relative import of every source file, as paths under src/ (`db/open.ts`). */
const imports = files(src).map((file) => {
  const text = readFileSync(file, 'utf8');
  const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) =>
    relative(src, resolve(dirname(file), m[1])).replace(/\.js$/, '.ts'),
  );
  return { file: relative(src, file), targets };
});

function offending(from: (file: string) => boolean, to: (target: string) => boolean): string[] {
  return imports.filter(({ file }) => from(file)).flatMap(({ file, targets }) => targets.filter(to).map((t) => `${file} → ${t}`));
}

describe('layers', () => {
  it('sees the sources', () => {
    expect(imports.length).toBeGreaterThan(50);
    expect(imports.find((i) => i.file === 'app.ts')?.targets).toContain('config.ts');
  });

  it('src/db/ imports no HTTP, module or seed code', () => {
    expect(offending((f) => f.startsWith('db/'), (t) => /^(http|modules|seed)\//.test(t))).toEqual([]);
  });

  it('src/http/ imports no module or seed code', () => {
    expect(offending((f) => f.startsWith('http/'), (t) => /^(modules|seed)\//.test(t))).toEqual([]);
  });

  it('a store imports nothing from src/http/: SQL in, rows out', () => {
    expect(offending((f) => /^modules\/[^/]+\/store\.ts$/.test(f), (t) => t.startsWith('http/'))).toEqual([]);
  });

  it('only the entry points start the server: app.ts from server.ts, server.ts from cli.ts and index.ts', () => {
    const allowed: Record<string, string[]> = { 'app.ts': ['server.ts'], 'server.ts': ['cli.ts', 'index.ts'] };
    for (const [target, importers] of Object.entries(allowed)) {
      expect(offending((f) => !importers.includes(f), (t) => t === target)).toEqual([]);
    }
  });
});

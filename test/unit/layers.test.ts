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

/** Every relative import of every source file, as paths under src/ (`db/open.ts`), and whether it imports types only. */
const imports = files(src).map((file) => {
  const text = readFileSync(file, 'utf8');
  const found = [
    // import … from / export … from, at the start of a line (may span lines), and import('…')
    ...[...text.matchAll(/^(?:import|export)(\s+type\b)?[^;]*?\sfrom\s+'(\.[^']+)'/gm)].map((m) => ({ spec: m[2], typeOnly: m[1] !== undefined })),
    ...[...text.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g)].map((m) => ({ spec: m[1], typeOnly: false })),
  ];
  const targets = found.map(({ spec, typeOnly }) => ({ path: relative(src, resolve(dirname(file), spec)).replace(/\.js$/, '.ts'), typeOnly }));
  return { file: relative(src, file), targets };
});

function offending(from: (file: string) => boolean, to: (target: string) => boolean, { types = true } = {}): string[] {
  return imports
    .filter(({ file }) => from(file))
    .flatMap(({ file, targets }) => targets.filter((t) => (types || !t.typeOnly) && to(t.path)).map((t) => `${file} → ${t.path}`));
}

describe('layers', () => {
  it('sees the sources', () => {
    expect(imports.length).toBeGreaterThan(50);
    expect(imports.find((i) => i.file === 'app.ts')?.targets.map((t) => t.path)).toContain('config.ts');
    expect(imports.find((i) => i.file === 'http/idempotency-store.ts')?.targets).toContainEqual({ path: 'db/open.ts', typeOnly: true });
    expect(imports.find((i) => i.file === 'cli.ts')?.targets).toContainEqual({ path: 'server.ts', typeOnly: false });
  });

  it('src/db/ imports no HTTP, module or seed code', () => {
    expect(offending((f) => f.startsWith('db/'), (t) => /^(http|modules|seed)\//.test(t))).toEqual([]);
  });

  it('src/http/ imports no module or seed code (a type aside: it loads nothing)', () => {
    expect(offending((f) => f.startsWith('http/'), (t) => /^(modules|seed)\//.test(t), { types: false })).toEqual([]);
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

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './open.js';

/**
 * The package's migrations folder: two levels up from src/db/ or dist/db/, one level up from the
 * bundled CLI (dist/cli.js), so the first ancestor holding it wins.
 */
export const MIGRATIONS_DIR = findMigrationsDir();

function findMigrationsDir(): string {
  for (const up of ['../migrations/', '../../migrations/']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(dir + '0001_init.sql')) return dir;
  }
  return fileURLToPath(new URL('../../migrations/', import.meta.url));
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export class MigrationError extends Error {}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .map((name) => ({ version: Number.parseInt(name, 10), name, sql: readFileSync(dir + '/' + name, 'utf8') }))
    .sort((a, b) => a.version - b.version || a.name.localeCompare(b.name));
  // Two files with one number (branches merged side by side) would otherwise run one and, on a
  // database that already has that version, skip the other for good.
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i].version === migrations[i - 1].version) {
      throw new MigrationError(`migrations ${migrations[i - 1].name} and ${migrations[i].name} share version ${migrations[i].version}`);
    }
  }
  return migrations;
}

/** Applies each migration not yet in the ledger, in order, each in its own transaction with its ledger row. */
export function migrate(db: Db, migrations = readMigrations()): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const isApplied = db.prepare<[number], number>('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  const ran: string[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    try {
      // Checked again under the write lock: a second server starting on the same file may have
      // applied it since the ledger was read.
      const didRun = db.transaction(() => {
        if (isApplied.get(m.version)) return false;
        db.exec(m.sql);
        record.run(m.version, m.name, new Date().toISOString());
        return true;
      })();
      if (didRun) ran.push(m.name);
    } catch (err) {
      throw new MigrationError(`migration ${m.name} failed: ${(err as Error).message}`);
    }
  }
  return ran;
}

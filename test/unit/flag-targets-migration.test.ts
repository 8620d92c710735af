import { afterEach, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import { openDatabase, type Db } from '../../src/db/open.js';
import { pinnedId } from '../helpers/ids.js';

// 0007 rebuilds flag_targets as a WITHOUT ROWID table: a database made before it keeps every
// target, and the table keeps its key, foreign key (with its cascade) and index. 0009 then puts
// resource_id first in the subject index.

const ENV = 'environment_01HX0000000000000000000001';
const NOW = '2026-01-15T12:00:00.000Z';
let db: Db | undefined;
afterEach(() => db?.close());

const targets = (d: Db) => d.prepare('SELECT * FROM flag_targets ORDER BY environment_id, flag_id, resource_id').all();

describe('migration 0007 (flag_targets WITHOUT ROWID)', () => {
  it('keeps every target, and the key, foreign key, cascade and index', () => {
    db = openDatabase(':memory:');
    const all = readMigrations();
    migrate(db, all.filter((m) => m.version < 7));
    db.prepare('INSERT INTO environments (id, name, created_at) VALUES (?, ?, ?)').run(ENV, 'default', NOW);
    const flag = db.prepare(`INSERT INTO feature_flags (environment_id, id, slug, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`);
    const target = db.prepare(
      'INSERT INTO flag_targets (environment_id, flag_id, resource_id, resource_type, enabled, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (let f = 1; f <= 3; f++) {
      flag.run(ENV, pinnedId('flag', f), `flag-${f}`, `Flag ${f}`, NOW, NOW);
      for (let r = 1; r <= 5; r++) {
        const [id, type] = r % 2 ? [pinnedId('user', r), 'user'] : [pinnedId('organization', r), 'organization'];
        target.run(ENV, pinnedId('flag', f), id, type, (f + r) % 3 === 0 ? 0 : 1, NOW);
      }
    }
    const before = targets(db);
    expect(before).toHaveLength(15);

    migrate(db, all.filter((m) => m.version <= 7));

    expect(targets(db)).toEqual(before);
    const sql = (name: string) => db!.prepare('SELECT sql FROM sqlite_schema WHERE name = ?').pluck().get(name) as string;
    expect(sql('flag_targets')).toMatch(/WITHOUT ROWID$/);
    expect(sql('flag_targets_subject')).toBe(
      'CREATE INDEX flag_targets_subject ON flag_targets (environment_id, resource_id, flag_id, enabled)',
    );
    expect(db.prepare("SELECT name, pk FROM pragma_table_info('flag_targets') WHERE pk > 0 ORDER BY pk").all()).toEqual([
      { name: 'environment_id', pk: 1 },
      { name: 'flag_id', pk: 2 },
      { name: 'resource_id', pk: 3 },
    ]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');

    // The key still refuses a duplicate, the CHECK a bad type, the foreign key an unknown flag.
    expect(() => target.run(ENV, pinnedId('flag', 1), pinnedId('user', 1), 'user', 1, NOW)).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => target.run(ENV, pinnedId('flag', 1), pinnedId('user', 9), 'team', 1, NOW)).toThrow(/CHECK/);
    expect(() => target.run(ENV, pinnedId('flag', 9), pinnedId('user', 9), 'user', 1, NOW)).toThrow(/FOREIGN KEY/);
    // Deleting a flag takes its targets with it.
    db.prepare('DELETE FROM feature_flags WHERE environment_id = ? AND id = ?').run(ENV, pinnedId('flag', 2));
    expect(targets(db)).toEqual(before.filter((t) => (t as { flag_id: string }).flag_id !== pinnedId('flag', 2)));

    // 0009 puts resource_id first in the subject index; the rows stay as they are.
    const kept = targets(db);
    migrate(db, all.filter((m) => m.version <= 10));
    expect(sql('flag_targets_subject')).toBe(
      'CREATE INDEX flag_targets_subject ON flag_targets (resource_id, environment_id, flag_id, enabled)',
    );
    expect(targets(db)).toEqual(kept);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});

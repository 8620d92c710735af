import { afterEach, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import { openDatabase, type Db } from '../../src/db/open.js';

// 0087 rebuilds the events outbox as a rowid table (bodies of 1-60 KB no longer spill out of an
// index-organized row): a database made before it keeps every event, its key and its indexes.

let db: Db | undefined;
afterEach(() => db?.close());

const events = (d: Db) => d.prepare('SELECT * FROM events ORDER BY environment_id, id').all();
const sql = (d: Db, name: string) => d.prepare('SELECT sql FROM sqlite_schema WHERE name = ?').pluck().get(name) as string;

describe('migration 0087 (events as a rowid table)', () => {
  it('keeps every event, the key and both indexes', () => {
    db = openDatabase(':memory:');
    const all = readMigrations();
    migrate(db, all.filter((m) => m.version < 87));
    const indexesBefore = ['events_by_type', 'events_by_organization'].map((name) => sql(db!, name));
    const insert = db.prepare('INSERT INTO events (environment_id, id, event, organization_id, created_at, body) VALUES (?, ?, ?, ?, ?, ?)');
    for (const env of ['env_b', 'env_a']) {
      for (let i = 0; i < 20; i++) {
        insert.run(env, `event_${String(i).padStart(3, '0')}`, i % 2 ? 'flag.updated' : 'organization.created', i % 3 ? null : `org_${i}`, '2026-01-15T12:00:00.000Z', JSON.stringify({ i, pad: 'x'.repeat(i * 300) }));
      }
    }
    const before = events(db);

    migrate(db, all.filter((m) => m.version <= 87));

    expect(events(db)).toEqual(before);
    expect(sql(db, 'events')).not.toMatch(/WITHOUT ROWID/);
    expect(['events_by_type', 'events_by_organization'].map((name) => sql(db!, name))).toEqual(indexesBefore);
    expect(db.prepare("SELECT name, pk FROM pragma_table_info('events') WHERE pk > 0 ORDER BY pk").all()).toEqual([
      { name: 'environment_id', pk: 1 },
      { name: 'id', pk: 2 },
    ]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(() => insert.run('env_a', 'event_000', 'flag.updated', null, '2026-01-15T12:00:00.000Z', '{}')).toThrow(/UNIQUE|PRIMARY KEY/);
  });
});

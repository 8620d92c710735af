import { afterEach, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import { openDatabase, type Db } from '../../src/db/open.js';
import { createFlagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';

// Each user or organization target carries its label (the email or name flag events list):
// migration 0090 gives a database made before it the labels of the targets it holds, triggers keep
// them, and seeds and the API write them.

let db: Db | undefined;
afterEach(() => db?.close());

/** Inserts a row, giving every other NOT NULL column without a default a placeholder. */
function insert(d: Db, table: string, row: Record<string, string | number>) {
  const required = d
    .prepare<[string], { name: string; type: string }>(`SELECT name, type FROM pragma_table_info(?) WHERE "notnull" = 1 AND dflt_value IS NULL`)
    .all(table);
  const full: Record<string, string | number> = { ...row };
  for (const c of required) if (!(c.name in full)) full[c.name] = /INT/i.test(c.type) ? 0 : `${c.name}-placeholder`;
  const columns = Object.keys(full);
  d.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`).run(full);
}

const labels = (d: Db) => d.prepare('SELECT target_type, target_id, label FROM flag_targets ORDER BY target_id').all();

describe('migration 0090 (flag target labels)', () => {
  it("labels the targets a database holds with their user's email or organization's name, and keeps them", () => {
    db = openDatabase(':memory:');
    const all = readMigrations();
    migrate(db, all.filter((m) => m.version < 90));
    db.pragma('foreign_keys = OFF');
    for (const env of ['env_a', 'env_b']) {
      insert(db, 'users', { environment_id: env, id: 'user_1', email: `jane@${env}.test`, created_at: 't', updated_at: 't' });
      insert(db, 'organizations', { environment_id: env, id: 'org_1', name: `Acme ${env}`, created_at: 't', updated_at: 't' });
      const target = (type: string, id: string) =>
        insert(db!, 'flag_targets', { environment_id: env, flag_id: 'flag_1', target_type: type, target_id: id, id: `ft_${type}_${id}`, rule_id: 'rule_1', created_at: 't', updated_at: 't' });
      target('user', 'user_1');
      target('organization', 'org_1');
      target('plan', 'enterprise');
    }

    migrate(db, all.filter((m) => m.version <= 90));

    expect(db.prepare("SELECT target_type, label FROM flag_targets WHERE environment_id = 'env_b' ORDER BY target_type").all()).toEqual([
      { target_type: 'organization', label: 'Acme env_b' },
      { target_type: 'plan', label: null },
      { target_type: 'user', label: 'jane@env_b.test' },
    ]);
    // The triggers: a changed email or name relabels that environment's memberships of it only.
    db.prepare("UPDATE users SET email = 'jane@new.test' WHERE environment_id = 'env_a' AND id = 'user_1'").run();
    db.prepare("UPDATE organizations SET name = 'Renamed' WHERE environment_id = 'env_a' AND id = 'org_1'").run();
    expect(db.prepare('SELECT environment_id, target_type, label FROM flag_targets ORDER BY environment_id, target_type').all()).toEqual([
      { environment_id: 'env_a', target_type: 'organization', label: 'Renamed' },
      { environment_id: 'env_a', target_type: 'plan', label: null },
      { environment_id: 'env_a', target_type: 'user', label: 'jane@new.test' },
      { environment_id: 'env_b', target_type: 'organization', label: 'Acme env_b' },
      { environment_id: 'env_b', target_type: 'plan', label: null },
      { environment_id: 'env_b', target_type: 'user', label: 'jane@env_b.test' },
    ]);
    expect(labels(db)).toHaveLength(6);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'users_email_by_id'").get()).toBeUndefined();
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});

describe('flag target labels as seeds and the API write them', () => {
  it("equal each target's email (as stored, lower case) or name, for classic and rule seeds and added targets", async () => {
    const [u1, u2, u3] = [1, 2, 3].map((i) => pinnedId('user', i));
    const [o1, o2] = [1, 2].map((i) => pinnedId('organization', i));
    const f = await createFlagstand({
      logLevel: 'silent',
      seed: {
        api_keys: ['sk_test_labels'],
        organizations: [
          { id: o1, name: 'Acme "One"' },
          { id: o2, name: 'Globex' },
        ],
        users: [
          { id: u1, email: 'Ada@Example.com' },
          { id: u2, email: 'bob@example.com' },
          { id: u3, email: 'cy@example.com' },
        ],
        feature_flags: [
          { slug: 'classic', targets: [u1, { id: o1, enabled: false }] },
          {
            slug: 'ruled',
            rules: [
              { target_type: 'user', value: true, targets: [u2] },
              { target_type: 'organization', value: true, targets: [o2] },
              { target_type: 'workspace', value: true, targets: ['ws_1'] },
            ],
          },
        ],
      },
    });
    try {
      const res = await f.app.inject({ method: 'POST', url: `/feature-flags/classic/targets/${u3}`, headers: { authorization: 'Bearer sk_test_labels' } });
      expect(res.statusCode).toBe(204);
      const rows = f.db
        .prepare(
          `SELECT t.target_type, t.target_id, t.label, COALESCE(u.email, o.name) AS truth FROM flag_targets t
             LEFT JOIN users u ON t.target_type = 'user' AND u.environment_id = t.environment_id AND u.id = t.target_id
             LEFT JOIN organizations o ON t.target_type = 'organization' AND o.environment_id = t.environment_id AND o.id = t.target_id
           ORDER BY t.target_id`,
        )
        .all() as { target_type: string; target_id: string; label: string | null; truth: string | null }[];
      expect(rows.map((r) => [r.target_id, r.label])).toEqual([
        [o1, 'Acme "One"'],
        [o2, 'Globex'],
        [u1, 'ada@example.com'],
        [u2, 'bob@example.com'],
        [u3, 'cy@example.com'],
        ['ws_1', null],
      ]);
      for (const r of rows) expect(r.label).toBe(r.truth);
    } finally {
      await f.app.close();
    }
  });
});

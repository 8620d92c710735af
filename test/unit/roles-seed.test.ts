import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open.js';
import { newId } from '../../src/ids.js';
import { loadSeed } from '../../src/seed/load.js';
import { SeedError } from '../../src/seed/seed-error.js';
import type { SeedDocument } from '../../src/seed/schema.js';
import { createStores } from '../../src/stores.js';

const clock = fixedClock('2026-01-01T00:00:00.000Z');

function load(doc: SeedDocument) {
  const db = openDatabase(':memory:');
  migrate(db);
  const stores = createStores(db);
  const { environments } = loadSeed(db, stores, doc, clock);
  return { db, stores, environments };
}

describe('roles in the seed', () => {
  it('gives every environment admin and member', () => {
    const { stores, environments } = load({ environments: [{ name: 'a' }, { name: 'b' }] });
    for (const env of environments) expect(stores.roles.all(env.id).map((r) => r.slug)).toEqual(['admin', 'member']);
  });

  it('rejects a membership whose role the environment lacks, naming the entry', () => {
    const org = newId('organization');
    const user = newId('user');
    const doc: SeedDocument = {
      organizations: [{ id: org, name: 'Acme' }],
      users: [{ id: user, email: 'a@example.com' }],
      organization_memberships: [{ user_id: user, organization_id: org, role_slug: 'owner' }],
    };
    expect(() => load(doc)).toThrow(SeedError);
    expect(() => load(doc)).toThrow(/organization_memberships\[0\]\.role_slug: 'owner' is not a role/);
    expect(() => load({ ...doc, roles: [{ slug: 'owner' }] })).not.toThrow();
  });

  it('rejects duplicate role slugs and malformed pinned role ids', () => {
    expect(() => load({ roles: [{ slug: 'x' }, { slug: 'x' }] })).toThrow(/roles\[1\]\.slug: duplicate slug 'x'/);
    expect(() => load({ roles: [{ id: 'role_nope', slug: 'x' }] })).toThrow(/roles\[0\]\.id/);
    // `org-` is left to organization roles.
    expect(() => load({ roles: [{ slug: 'ok' }, { slug: 'org-x' }] })).toThrow(/roles\[1\]\.slug: 'org-' begins/);
  });

  it('keeps a pinned role id', () => {
    const id = newId('role');
    const { stores, environments } = load({ roles: [{ id, slug: 'auditor', name: 'Auditor' }] });
    expect(stores.roles.all(environments[0].id).find((r) => r.slug === 'auditor')?.id).toBe(id);
  });
});

describe('migration 0003', () => {
  it('gives environments created before it the default roles', () => {
    const db = openDatabase(':memory:');
    const all = readMigrations();
    migrate(db, all.filter((m) => m.version < 3));
    db.prepare("INSERT INTO environments (id, name, created_at) VALUES ('environment_old', 'old', '2025-01-01T00:00:00.000Z')").run();
    migrate(db, all);
    const roles = createStores(db).roles.all('environment_old');
    expect(roles.map((r) => [r.slug, r.name, r.created_at])).toEqual([
      ['admin', 'Admin', '2025-01-01T00:00:00.000Z'],
      ['member', 'Member', '2025-01-01T00:00:00.000Z'],
    ]);
    for (const r of roles) expect(r.id).toMatch(/^role_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
  });
});

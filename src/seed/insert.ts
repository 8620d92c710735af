import type { Clock } from '../clock.js';
import { idMinter, newId } from '../ids.js';
import { apiKeyRecord } from '../modules/api-keys/service.js';
import { DEFAULT_ROLE_SLUG } from '../modules/roles/defaults.js';
import { hashPassword } from '../modules/users/password-hash.js';
import type { Stores } from '../stores.js';
import { ORGANIZATION_TYPE } from '../modules/resources/type-store.js';
import { ENVIRONMENT_SCOPE } from '../modules/roles/store.js';
import { insertAuthorizationSeed } from './authorization.js';
import { rolesOf } from './roles.js';
import type { SeedEnvironment, SeedRule, SeedTarget } from './schema.js';
import { insertUserManagementSeed } from './user-management.js';
import { uncheckedEnvironments } from './validate.js';

/**
 * Seeds may write any RFC 3339 time (`Z` or an offset, with or without ms); rows hold the API's
 * form, ISO with ms and Z, which is also what keeps string order equal to time order for keyset pages.
 */
function iso(value: string): string;
function iso(value: string | null | undefined): string | null | undefined;
function iso(value: string | null | undefined): string | null | undefined {
  return value == null ? value : new Date(value).toISOString();
}

/**
 * Inserts one environment's entries through the stores. Call inside a transaction. `sortedTargets`
 * may give each flag's targets (by index in `feature_flags`) already as the JSON the store takes,
 * in key order: the checking worker prepares them (see `sortedTargetLists`).
 */
export function insertEnvironmentSeed(
  stores: Stores,
  environmentId: string,
  env: SeedEnvironment,
  clock: Clock,
  sortedTargets?: () => string[] | undefined,
): number {
  const now = clock.now();
  let rows = 0;
  // Every environment has its roles from the start, so memberships can name them.
  rolesOf(env).forEach((r, priority) => {
    const created_at = iso(r.created_at) ?? now;
    stores.roles.insert(environmentId, {
      id: r.id ?? newId('role'),
      organization_id: ENVIRONMENT_SCOPE,
      resource_type_slug: r.resource_type_slug ?? ORGANIZATION_TYPE,
      slug: r.slug,
      name: r.name ?? r.slug,
      description: r.description ?? null,
      permissions: r.permissions ?? [],
      priority,
      created_at,
      updated_at: iso(r.updated_at) ?? created_at,
    });
  });
  rows += env.roles?.length ?? 0;
  for (const o of env.organizations ?? []) {
    const id = o.id ?? newId('organization');
    const created_at = iso(o.created_at) ?? now;
    stores.organizations.insert(environmentId, {
      id,
      name: o.name,
      external_id: o.external_id ?? null,
      metadata: o.metadata ?? {},
      allow_profiles_outside_organization: o.allow_profiles_outside_organization ?? false,
      stripe_customer_id: o.stripe_customer_id ?? null,
      created_at,
      updated_at: iso(o.updated_at) ?? created_at,
    });
    rows++;
    for (const d of o.domains ?? []) {
      const domain = typeof d === 'string' ? { domain: d } : d;
      stores.organizations.insertDomain(environmentId, {
        id: domain.id ?? newId('organizationDomain'),
        organization_id: id,
        domain: domain.domain.toLowerCase(),
        state: domain.state ?? 'verified',
        verification_strategy: domain.verification_strategy ?? 'manual',
        verification_token: null,
        verification_prefix: null,
        created_at,
        updated_at: created_at,
      });
      rows++;
    }
    for (const k of o.api_keys ?? []) {
      stores.apiKeys.insert(environmentId, apiKeyRecord(id, { ...k, expires_at: iso(k.expires_at) }, iso(k.created_at) ?? created_at));
      rows++;
    }
  }
  // Users and memberships go in through multi-row statements: a big seed has a hundred thousands.
  const [mintUserId, mintMembershipId] = [idMinter('user'), idMinter('membership')];
  const users = (env.users ?? []).map((u) => {
    const created_at = iso(u.created_at) ?? now;
    return {
      id: u.id ?? mintUserId(),
      email: u.email.toLowerCase(),
      first_name: u.first_name ?? null,
      last_name: u.last_name ?? null,
      email_verified: u.email_verified ?? false,
      profile_picture_url: u.profile_picture_url ?? null,
      external_id: u.external_id ?? null,
      metadata: u.metadata ?? {},
      last_sign_in_at: iso(u.last_sign_in_at) ?? null,
      locale: u.locale ?? null,
      created_at,
      updated_at: iso(u.updated_at) ?? created_at,
    };
  });
  stores.users.insertMany(environmentId, users);
  env.users?.forEach((u, i) => {
    if (u.password !== undefined) stores.passwords.set(environmentId, users[i].id, hashPassword(u.password));
  });
  rows += users.length;
  const memberships = (env.organization_memberships ?? []).map((m) => {
    const created_at = iso(m.created_at) ?? now;
    return {
      id: m.id ?? mintMembershipId(),
      user_id: m.user_id,
      organization_id: m.organization_id,
      status: m.status ?? 'active',
      role_slug: m.role_slug ?? DEFAULT_ROLE_SLUG,
      created_at,
      updated_at: iso(m.updated_at) ?? created_at,
    };
  });
  stores.memberships.insertMany(environmentId, memberships);
  rows += memberships.length;
  rows += insertAuthorizationSeed(stores, environmentId, env, now);
  rows += insertUserManagementSeed(stores, environmentId, env, now);
  // Memberships go in last, all at once and in primary-key order (flag, then type and id),
  // which is what keeps a million of them cheap to insert.
  const targets: { flagId: string; createdAt: string; insert: () => void; count: number }[] = [];
  const expiring: { flagId: string; userId: string; at: string }[] = [];
  const prepared = env.feature_flags?.length ? sortedTargets?.() : undefined;
  let labels: Map<string, string> | undefined; // made only if the worker's lists do not serve
  const labelsOf = () => (labels ??= targetLabels(env));
  for (const [i, f] of (env.feature_flags ?? []).entries()) {
    const id = f.id ?? newId('flag');
    const created_at = iso(f.created_at) ?? now;
    stores.flags.insert(environmentId, {
      id,
      slug: f.slug,
      name: f.name ?? f.slug,
      description: f.description ?? null,
      owner: f.owner ? { email: f.owner.email, first_name: f.owner.first_name ?? null, last_name: f.owner.last_name ?? null } : null,
      tags: f.tags ?? [],
      enabled: f.enabled ?? false,
      default_value: f.default_value ?? false,
      created_at,
      updated_at: iso(f.updated_at) ?? created_at,
    });
    rows++;
    if (f.rules) {
      const members = insertSeedRules(stores, environmentId, id, f.rules, created_at, labelsOf());
      targets.push({ flagId: id, createdAt: created_at, count: members.length, insert: () => stores.rules.insertMemberships(environmentId, id, created_at, membershipIdPrefix(), JSON.stringify(members)) });
    } else if (f.targets?.length) {
      const ruleIds = insertClassicRules(stores, environmentId, id, f.targets, created_at);
      const json = prepared?.[i] ?? targetsJson(f.targets, labelsOf());
      targets.push({ flagId: id, createdAt: created_at, count: f.targets.length, insert: () => stores.rules.insertClassicMemberships(environmentId, id, created_at, membershipIdPrefix(), ruleIds, json) });
      for (const t of f.targets) if (typeof t !== 'string' && t.expires_at) expiring.push({ flagId: id, userId: t.id, at: iso(t.expires_at)! });
    }
  }
  targets.sort((a, b) => (a.flagId < b.flagId ? -1 : a.flagId > b.flagId ? 1 : 0));
  for (const { insert, count } of targets) {
    insert();
    rows += count;
  }
  for (const e of expiring) stores.expiries.schedule(environmentId, { flag_id: e.flagId, user_id: e.userId }, e.at, 1);
  return rows;
}

/** `flag_target_` + a ULID's time and 10 random characters: the seed statement appends 6 digits (the entry's index). */
function membershipIdPrefix(): string {
  return idMinter('flagTarget')().slice(0, -6);
}

/** A seed's explicit rules, in the order given; returns their members as `[type, id, rule_id, label]` in key order. */
function insertSeedRules(
  stores: Stores,
  environmentId: string,
  flagId: string,
  rules: SeedRule[],
  createdAt: string,
  labels: Map<string, string>,
): [string, string, string, string | null][] {
  const members: [string, string, string, string | null][] = [];
  rules.forEach((r, position) => {
    const id = r.id ?? newId('flagRule');
    const created_at = iso(r.created_at) ?? createdAt;
    stores.rules.insertRule(environmentId, { id, flag_id: flagId, position, target_type: r.target_type, value: r.value, created_at, updated_at: created_at });
    const labelled = r.target_type === 'user' || r.target_type === 'organization';
    for (const target of r.targets ?? []) members.push([r.target_type, target, id, labelled ? (labels.get(target) ?? null) : null]);
  });
  return members.sort((a, b) => (a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}

/**
 * The rules a flag's classic targets need (as migration 0011 makes them): user rules before
 * organization rules so a user's own target decides first, on before explicitly off. Returns the
 * rule ids by kind (`user1`, `user0`, `organization1`, `organization0`), only the non-empty ones.
 */
function insertClassicRules(stores: Stores, environmentId: string, flagId: string, targets: SeedTarget[], createdAt: string): Record<string, string> {
  const present = new Set<string>();
  for (const t of targets) {
    const id = typeof t === 'string' ? t : t.id;
    const on = typeof t === 'string' || t.enabled !== false;
    present.add((id.startsWith('user_') ? 'user' : 'organization') + (on ? '1' : '0'));
    if (present.size === 4) break;
  }
  const ruleIds: Record<string, string> = {};
  let position = 0;
  for (const kind of ['user1', 'user0', 'organization1', 'organization0']) {
    if (!present.has(kind)) continue;
    const id = newId('flagRule');
    const target_type = kind.slice(0, -1);
    stores.rules.insertRule(environmentId, { id, flag_id: flagId, position: position++, target_type, value: kind.endsWith('1'), created_at: createdAt, updated_at: createdAt });
    ruleIds[kind] = id;
  }
  return ruleIds;
}

/**
 * Each user's email (lower case, as its row holds it) and each organization's name, by id: the
 * labels their targets carry (migration 0090). Tolerates an unchecked document (the checks say
 * what is wrong with it).
 */
function targetLabels(env: Pick<SeedEnvironment, 'users' | 'organizations'>): Map<string, string> {
  const labels = new Map<string, string>();
  for (const u of env.users ?? []) if (typeof u?.id === 'string' && typeof u.email === 'string') labels.set(u.id, u.email.toLowerCase());
  for (const o of env.organizations ?? []) if (typeof o?.id === 'string' && typeof o.name === 'string') labels.set(o.id, o.name);
  return labels;
}

/**
 * A flag's targets as the JSON array the store inserts: `[id, enabled (1 or 0), label]` each,
 * sorted by id (key order). Ids only (the usual case) sort natively, without a comparator.
 */
function targetsJson(targets: SeedTarget[] | undefined = [], labels: Map<string, string>): string {
  const entry = (id: string, enabled: boolean) => [id, enabled ? 1 : 0, labels.get(id) ?? null];
  if (targets.every((t) => typeof t === 'string')) return JSON.stringify((targets as string[]).slice().sort().map((id) => entry(id, true)));
  const id = (t: SeedTarget) => (typeof t === 'string' ? t : t.id);
  const sorted = targets.slice().sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
  return JSON.stringify(sorted.map((t) => (typeof t === 'string' ? entry(t, true) : entry(t.id, t.enabled !== false))));
}

/**
 * Every flag's targets as `insertEnvironmentSeed` takes them, by environment then flag: what
 * the checking worker prepares while the main thread inserts the rest. Undefined when the
 * document is not shaped like a seed (the checks will say why).
 */
export function sortedTargetLists(doc: unknown): string[][] | undefined {
  return uncheckedEnvironments(doc)?.map((env) => {
    const labels = targetLabels(env);
    return (env.feature_flags ?? []).map((f) => targetsJson(f.targets, labels));
  });
}

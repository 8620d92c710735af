import { isId, type IdKind } from '../ids.js';
import { checkAuthorizationSeed } from './authorization.js';
import { rolesOf } from './roles.js';
import type { SeedEnvironment, SeedRule } from './schema.js';
import { SeedError } from './seed-error.js';
import { checkUserManagementSeed } from './user-management.js';

/** `feature_flags[1] (beta).targets[0]` → `feature_flags.1.targets.0`, the dotted form of API field errors. */
function fieldPath(entry: string): string {
  return entry.replace(/ \([^)]*\)/g, '').replace(/\[(\d+)\]/g, '.$1').replace(/^\./, '');
}

/**
 * Checks what the schema cannot: id formats, duplicates, and references between entries, so
 * a bad seed fails with a message naming the entry before anything is written.
 */
export function checkReferences(env: SeedEnvironment, label: string): void {
  const fail = (entry: string, why: string): never => {
    throw new SeedError(`seed: ${label}${entry}: ${why}`, fieldPath(entry));
  };
  const pinned = (list: { id?: string }[] | undefined, kind: IdKind, name: string): Set<string> => {
    const ids = new Set<string>();
    list?.forEach((item, i) => {
      if (item.id === undefined) return;
      if (!isId(kind, item.id)) fail(`${name}[${i}].id`, `'${item.id}' is not a valid ${kind} id (prefix + ULID)`);
      if (ids.has(item.id)) fail(`${name}[${i}].id`, `duplicate id '${item.id}'`);
      ids.add(item.id);
    });
    return ids;
  };
  const unique = <T>(list: T[] | undefined, key: (item: T) => string | null | undefined, name: string, field: string) => {
    const seen = new Set<string>();
    list?.forEach((item, i) => {
      const value = key(item);
      if (value === null || value === undefined) return;
      if (seen.has(value)) fail(`${name}[${i}].${field}`, `duplicate ${field} '${value}'`);
      seen.add(value);
    });
  };

  // `date-time` admits what Date cannot read (a leap second, 23:59:60): refuse it here, by entry.
  const times = (list: Record<string, unknown>[] | undefined, name: string) =>
    list?.forEach((item, i) => {
      for (const field of TIME_FIELDS) {
        const value = item[field];
        if (typeof value === 'string' && Number.isNaN(Date.parse(value))) fail(`${name}[${i}].${field}`, `'${value}' is not a readable time`);
      }
    });
  times(env.organizations, 'organizations');
  times(env.users, 'users');
  times(env.organization_memberships, 'organization_memberships');
  times(env.feature_flags, 'feature_flags');
  times(env.roles, 'roles');
  times(env.invitations, 'invitations');

  const orgIds = pinned(env.organizations, 'organization', 'organizations');
  const userIds = pinned(env.users, 'user', 'users');
  pinned(env.organization_memberships, 'membership', 'organization_memberships');
  pinned(env.feature_flags, 'flag', 'feature_flags');
  pinned(env.roles, 'role', 'roles');
  unique(env.roles, (r) => (r.organization_id === undefined ? r.slug : `${r.organization_id}:${r.slug}`), 'roles', 'slug');
  unique(env.organizations, (o) => o.external_id, 'organizations', 'external_id');
  unique(env.organizations, (o) => o.stripe_customer_id, 'organizations', 'stripe_customer_id');
  // A domain belongs to one organization (case-insensitively), as over the API.
  const domains = new Map<string, string>();
  env.organizations?.forEach((o, i) =>
    o.domains?.forEach((d, j) => {
      const domain = (typeof d === 'string' ? d : d.domain).toLowerCase();
      const owner = domains.get(domain);
      if (owner) fail(`organizations[${i}].domains[${j}]`, `domain '${domain}' is already a domain of ${owner}`);
      domains.set(domain, `organizations[${i}]`);
    }),
  );
  unique(env.users, (u) => u.email.toLowerCase(), 'users', 'email');
  unique(env.users, (u) => u.external_id, 'users', 'external_id');
  unique(env.feature_flags, (f) => f.slug, 'feature_flags', 'slug');
  unique(env.organization_memberships, (m) => `${m.user_id} in ${m.organization_id}`, 'organization_memberships', 'user_id');
  env.organizations?.forEach((o, i) =>
    o.domains?.forEach((d, j) => {
      const id = typeof d === 'string' ? undefined : d.id;
      if (id !== undefined && !isId('organizationDomain', id)) {
        fail(`organizations[${i}].domains[${j}].id`, `'${id}' is not a valid organization domain id`);
      }
    }),
  );
  const apiKeyIds = new Set<string>();
  const apiKeyValues = new Set<string>();
  env.organizations?.forEach((o, i) =>
    o.api_keys?.forEach((k, j) => {
      const entry = `organizations[${i}].api_keys[${j}]`;
      if (k.id !== undefined && !isId('apiKey', k.id)) fail(`${entry}.id`, `'${k.id}' is not a valid api key id (prefix + ULID)`);
      if (k.id !== undefined && apiKeyIds.has(k.id)) fail(`${entry}.id`, `duplicate id '${k.id}'`);
      if (apiKeyValues.has(k.value)) fail(`${entry}.value`, 'the same value is given to another API key');
      if (k.id !== undefined) apiKeyIds.add(k.id);
      apiKeyValues.add(k.value);
    }),
  );
  const roleSlugs = new Set(rolesOf(env).map((r) => r.slug));
  const customRoles = new Set((env.roles ?? []).filter((r) => r.organization_id !== undefined).map((r) => `${r.organization_id} ${r.slug}`));
  env.organization_memberships?.forEach((m, i) => {
    if (m.role_slug !== undefined && !roleSlugs.has(m.role_slug) && !customRoles.has(`${m.organization_id} ${m.role_slug}`)) {
      fail(`organization_memberships[${i}].role_slug`, `'${m.role_slug}' is not a role of this environment (add it under roles)`);
    }
    if (!userIds.has(m.user_id)) fail(`organization_memberships[${i}].user_id`, `'${m.user_id}' is not a user of this seed (give users pinned ids to reference them)`);
    if (!orgIds.has(m.organization_id)) fail(`organization_memberships[${i}].organization_id`, `'${m.organization_id}' is not an organization of this seed`);
  });
  const membershipOrgs = new Map((env.organization_memberships ?? []).filter((m) => m.id !== undefined).map((m) => [m.id!, m.organization_id]));
  checkAuthorizationSeed(env, fail, orgIds, membershipOrgs);
  pinned(env.invitations, 'invitation', 'invitations');
  pinned(env.sessions, 'session', 'sessions');
  pinned(env.auth_factors, 'authFactor', 'auth_factors');
  pinned(env.authorized_applications, 'authorizedApplication', 'authorized_applications');
  pinned(env.data_providers, 'dataProvider', 'data_providers');
  pinned(env.connected_accounts, 'connectedAccount', 'connected_accounts');
  times(env.sessions, 'sessions');
  unique(env.invitations, (inv) => inv.token, 'invitations', 'token');
  checkUserManagementSeed(env, { users: userIds, organizations: orgIds, roles: roleSlugs }, fail);
  env.feature_flags?.forEach((f, i) => {
    const seen = new Set<string>();
    // The entry's name is built only on failure: a big seed has a million targets.
    const entry = (j: number) => `feature_flags[${i}] (${f.slug}).targets[${j}]`;
    f.targets?.forEach((t, j) => {
      const id = typeof t === 'string' ? t : t.id;
      if (seen.has(id)) fail(entry(j), `duplicate target '${id}'`);
      seen.add(id);
      if (id.startsWith('user_')) {
        if (!userIds.has(id)) fail(entry(j), `'${id}' is not a user of this seed`);
      } else if (id.startsWith('org_')) {
        if (!orgIds.has(id)) fail(entry(j), `'${id}' is not an organization of this seed`);
        if (typeof t !== 'string' && t.expires_at !== undefined) fail(`${entry(j)}.expires_at`, 'only a user target can expire');
      } else fail(entry(j), `'${id}' is neither a user_… nor an org_… id`);
    });
    if (f.rules && f.targets) fail(`feature_flags[${i}] (${f.slug}).rules`, 'give a flag either targets or rules, not both');
    checkRules(f.rules, `feature_flags[${i}] (${f.slug})`, userIds, orgIds, fail);
  });
  pinned(
    env.feature_flags?.flatMap((f) => f.rules ?? []),
    'flagRule',
    'feature_flags[].rules',
  );
}

/** A flag's seeded rules: one per (type, value), each target in one rule, ids of the right kind. */
function checkRules(
  rules: SeedRule[] | undefined,
  flagEntry: string,
  userIds: Set<string>,
  orgIds: Set<string>,
  fail: (entry: string, why: string) => never,
): void {
  const kinds = new Set<string>();
  const members = new Map<string, number>();
  rules?.forEach((r, j) => {
    const entry = `${flagEntry}.rules[${j}]`;
    if (r.id !== undefined && !isId('flagRule', r.id)) fail(`${entry}.id`, `'${r.id}' is not a valid flag rule id (prefix + ULID)`);
    const kind = `${r.target_type} ${r.value}`;
    if (kinds.has(kind)) fail(entry, `a rule for (${r.target_type}, ${r.value}) comes earlier in this flag`);
    kinds.add(kind);
    r.targets?.forEach((id, k) => {
      const at = `${entry}.targets[${k}]`;
      const key = `${r.target_type} ${id}`;
      if (members.has(key)) fail(at, `'${id}' is already a target of rules[${members.get(key)}] of this flag`);
      members.set(key, j);
      if (r.target_type === 'user' && !userIds.has(id)) fail(at, `'${id}' is not a user of this seed`);
      else if (r.target_type === 'organization' && !orgIds.has(id)) fail(at, `'${id}' is not an organization of this seed`);
      else if (!/^[A-Za-z0-9._:-]{1,255}$/.test(id) || id === '.' || id === '..') fail(at, `'${id}' is not a valid target id (^[A-Za-z0-9._:-]{1,255}$)`);
    });
  });
}


const TIME_FIELDS = ['created_at', 'updated_at', 'last_sign_in_at'] as const;

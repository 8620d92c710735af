import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Type } from '@sinclair/typebox';
import type { Clock } from '../clock.js';
import { bulkLoad, BULK_LOAD_MIN_ROWS } from '../db/bulk-load.js';
import type { Db } from '../db/open.js';
import { fieldErrorsFromAjv } from '../http/errors.js';
import { idMinter, isId, newEnvironmentKey, newId, type IdKind } from '../ids.js';
import { apiKeyRecord } from '../modules/api-keys/service.js';
import { DEFAULT_ROLE_SLUG, DEFAULT_ROLES } from '../modules/roles/defaults.js';
import { ENVIRONMENT_SCOPE } from '../modules/roles/store.js';
import { ORGANIZATION_TYPE } from '../modules/resources/type-store.js';
import type { Stores } from '../stores.js';
import { checkAuthorizationSeed, insertAuthorizationSeed } from './authorization.js';
import { SeedEnvironment, type SeedDocument, type SeedRole, type SeedTarget } from './schema.js';

/** A seed that cannot be loaded; the message names the entry and the reason, `field` its path (`feature_flags.0.slug`). */
export class SeedError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** `feature_flags[1] (beta).targets[0]` → `feature_flags.1.targets.0`, the dotted form of API field errors. */
function fieldPath(entry: string): string {
  return entry.replace(/ \([^)]*\)/g, '').replace(/\[(\d+)\]/g, '.$1').replace(/^\./, '');
}

const requireModule = createRequire(import.meta.url);

// Loaded and compiled for the first seed with content: most starts load none, and both cost start-up time.
let checkers: { environment: ValidateFunction<SeedEnvironment>; environments: ValidateFunction } | undefined;
function seedCheckers() {
  if (!checkers) {
    const { Ajv } = requireModule('ajv') as typeof import('ajv');
    const addFormats = requireModule('ajv-formats') as typeof import('ajv-formats').default;
    // Unoptimized code without inlined refs compiles in a third of the time; start-up waits for it.
    const ajv = new Ajv({ allErrors: false, strict: false, inlineRefs: false, code: { optimize: false } });
    addFormats(ajv);
    checkers = {
      environment: ajv.compile<SeedEnvironment>(SeedEnvironment),
      environments: ajv.compile(
        Type.Object({ environments: Type.Array(Type.Unknown(), { minItems: 1 }) }, { additionalProperties: false }),
      ),
    };
  }
  return checkers;
}

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

/**
 * The most telling of AJV's errors: for a union (a target given as string or object) AJV reports
 * every branch, and "must be string" is no help when an object with an unknown field was given.
 */
function telling(errors: ErrorObject[]): ErrorObject {
  const rank = (e: ErrorObject) => (e.keyword === 'anyOf' || e.keyword === 'oneOf' ? 2 : e.keyword === 'type' ? 1 : 0);
  const depth = (e: ErrorObject) => e.instancePath.split('/').length;
  return [...errors].sort((a, b) => depth(b) - depth(a) || rank(a) - rank(b))[0];
}

/** "seed: <entry path>: <reason>", the path under `base` (an environment label, or nothing). */
function where(errors: ErrorObject[], base: string): string {
  const error = telling(errors);
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('');
  const extra = error.params as { additionalProperty?: string };
  const detail = extra.additionalProperty ? `unknown field '${extra.additionalProperty}'` : error.message;
  const entry = (base + path).replace(/^\./, '');
  return entry ? `seed: ${entry}: ${detail}` : `seed: ${detail}`;
}

/** The dotted field of the most telling error, as API field errors name it. */
const ajvField = (errors: ErrorObject[]) => fieldErrorsFromAjv([telling(errors)])[0].field;

/** Validates the document's shape and returns its environments (a top-level document is one, named "default"). */
export function normalizeSeed(doc: unknown): SeedEnvironment[] {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new SeedError('seed: the document must be an object');
  // An empty document (a start without --seed) is one empty environment: no need to compile the checks.
  if (Object.keys(doc).length === 0) return [{ name: 'default' }];
  const { environment: checkEnvironment, environments: checkEnvironments } = seedCheckers();
  if ('environments' in doc) {
    if (!checkEnvironments(doc)) throw new SeedError(where(checkEnvironments.errors!, ''));
    const list = (doc as { environments: unknown[] }).environments;
    return list.map((env, i) => {
      if (!checkEnvironment(env)) {
        const errors = checkEnvironment.errors!;
        throw new SeedError(where(errors, `environments[${i}]`), `environments.${i}.${ajvField(errors)}`);
      }
      return named(env, i);
    });
  }
  if (!checkEnvironment(doc)) throw new SeedError(where(checkEnvironment.errors!, ''), ajvField(checkEnvironment.errors!));
  return [named(doc, 0)];
}

/** An environment with its name: its own, else `default` for the first and `environment-N` after. */
function named(env: SeedEnvironment, i: number): SeedEnvironment {
  return { ...env, name: env.name ?? (i === 0 ? 'default' : `environment-${i + 1}`) };
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

  const orgIds = pinned(env.organizations, 'organization', 'organizations');
  const userIds = pinned(env.users, 'user', 'users');
  pinned(env.organization_memberships, 'membership', 'organization_memberships');
  pinned(env.feature_flags, 'flag', 'feature_flags');
  pinned(env.roles, 'role', 'roles');
  unique(env.roles?.filter((r) => r.organization_id === undefined), (r) => r.slug, 'roles', 'slug');
  unique(env.roles?.filter((r) => r.organization_id !== undefined), (r) => `${r.organization_id}:${r.slug}`, 'roles', 'organization_id + slug');
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
      } else fail(entry(j), `'${id}' is neither a user_… nor an org_… id`);
    });
  });
}

const TIME_FIELDS = ['created_at', 'updated_at', 'last_sign_in_at'] as const;

/**
 * Seeds may write any RFC 3339 time (`Z` or an offset, with or without ms); rows hold the API's
 * form, ISO with ms and Z, which is also what keeps string order equal to time order for keyset pages.
 */
function iso(value: string): string;
function iso(value: string | null | undefined): string | null | undefined;
function iso(value: string | null | undefined): string | null | undefined {
  return value == null ? value : new Date(value).toISOString();
}

/** The environment's roles: the defaults (fields overridable by a seed entry of the same slug), then the seed's others. */
function rolesOf(env: SeedEnvironment): SeedRole[] {
  const environmentRoles = (env.roles ?? []).filter((r) => r.organization_id === undefined);
  const seeded = new Map(environmentRoles.map((r) => [r.slug, r]));
  const defaults = DEFAULT_ROLES.map((d) => ({ ...d, ...seeded.get(d.slug) }));
  const defaultSlugs = new Set(DEFAULT_ROLES.map((d) => d.slug));
  return [...defaults, ...environmentRoles.filter((r) => !defaultSlugs.has(r.slug))];
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
      stores.apiKeys.insert(environmentId, apiKeyRecord(id, k, iso(k.created_at) ?? created_at));
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
  // Targets go in last, all at once and in primary-key order (flag, then resource), which is
  // what keeps a million of them cheap to insert.
  const targets: { flagId: string; createdAt: string; json: string; count: number }[] = [];
  const prepared = env.feature_flags?.length ? sortedTargets?.() : undefined;
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
    const json = prepared?.[i] ?? targetsJson(f.targets);
    targets.push({ flagId: id, createdAt: created_at, json, count: f.targets?.length ?? 0 });
  }
  targets.sort((a, b) => (a.flagId < b.flagId ? -1 : a.flagId > b.flagId ? 1 : 0));
  for (const { flagId, createdAt, json, count } of targets) {
    stores.flags.insertTargets(environmentId, flagId, createdAt, json);
    rows += count;
  }
  return rows;
}

/**
 * A flag's targets as the JSON array the store inserts, sorted by id (key order). Ids only (the
 * usual case) sort natively, without a comparator.
 */
function targetsJson(targets: SeedTarget[] | undefined = []): string {
  if (targets.every((t) => typeof t === 'string')) return JSON.stringify((targets as string[]).slice().sort());
  const id = (t: SeedTarget) => (typeof t === 'string' ? t : t.id);
  return JSON.stringify(targets.slice().sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0)));
}

/**
 * Every flag's targets as `insertEnvironmentSeed` takes them, by environment then flag: what
 * the checking worker prepares while the main thread inserts the rest. Undefined when the
 * document is not shaped like a seed (the checks will say why).
 */
export function sortedTargetLists(doc: unknown): string[][] | undefined {
  return uncheckedEnvironments(doc)?.map((env) => (env.feature_flags ?? []).map((f) => targetsJson(f.targets)));
}

/** Rows an environment's seed will insert, near enough to choose how to load it. */
function roughRowCount(env: SeedEnvironment): number {
  const flags = env.feature_flags ?? [];
  return (
    (env.organizations?.length ?? 0) +
    (env.users?.length ?? 0) +
    (env.organization_memberships?.length ?? 0) +
    flags.length +
    flags.reduce((n, f) => n + (f.targets?.length ?? 0), 0)
  );
}

export interface LoadedEnvironment {
  /** Internal: what the stores take (see environments/store.ts). */
  id: string;
  /** The `environment_…` id the admin API shows. */
  publicId: string;
  name: string;
  keys: string[];
}

// A CLI key the first environment already lists (or a repeated --api-key) says the same thing
// twice; only a key claimed by two environments, or listed twice in one, is a conflict.
function keysOf(env: SeedEnvironment, i: number, defaultKeys: string[]): string[] {
  const own = env.api_keys ?? [];
  return i === 0 ? [...own, ...new Set(defaultKeys.filter((k) => !own.includes(k)))] : own;
}

/**
 * Every check of a seed document, with nothing written: its environments (named), or a
 * SeedError naming the entry and the reason. `defaultKeys` (from the CLI) go to the first environment.
 */
export function checkSeed(doc: unknown, defaultKeys: string[] = []): SeedEnvironment[] {
  const environments = normalizeSeed(doc);
  const names = new Set<string>();
  const keys = new Set<string>();
  environments.forEach((env, i) => {
    const label = environments.length > 1 ? `environments[${i}] (${env.name}): ` : '';
    if (names.has(env.name!)) throw new SeedError(`seed: ${label}duplicate environment name '${env.name}'`);
    names.add(env.name!);
    for (const key of keysOf(env, i, defaultKeys)) {
      if (keys.has(key)) throw new SeedError(`seed: ${label}api key '${key}' is given twice`, 'api_keys');
      keys.add(key);
    }
    checkReferences(env, label);
  });
  return environments;
}

/**
 * The checks of a seed running elsewhere (another thread, see parallel-check.ts) while this one
 * inserts. `verdict()` blocks until they are done and throws their SeedError if the seed is bad.
 */
export interface SeedCheckInProgress {
  verdict(): void;
  /** `sortedTargetLists` of the document, once the worker has them; undefined if it could not. */
  sortedTargets?(): string[][] | undefined;
  /** Stops the checks (the load failed before it needed them). */
  cancel(): void;
}

/**
 * A document's environments as the loader reads them, before any check: undefined when the
 * document is not even shaped like a seed (the checks will say why).
 */
function uncheckedEnvironments(doc: unknown): SeedEnvironment[] | undefined {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(doc)) return undefined;
  if (!('environments' in doc)) return [named(doc as SeedEnvironment, 0)];
  const list = doc.environments;
  if (!Array.isArray(list) || !list.every(isObject)) return undefined;
  return list.map((env, i) => named(env as SeedEnvironment, i));
}

/**
 * Loads a whole seed in one transaction: every environment with its keys and entries, or nothing.
 * `defaultKeys` (from the CLI) go to the first environment. With `check` (the checks of this very
 * document, already running in another thread), inserting starts at once and the transaction
 * commits only once they pass: a bad seed still fails with the same message, and loads nothing.
 */
export function loadSeed(
  db: Db,
  stores: Stores,
  doc: SeedDocument | unknown,
  clock: Clock,
  defaultKeys: string[] = [],
  check?: SeedCheckInProgress,
): { environments: LoadedEnvironment[]; rows: number } {
  const unchecked = check ? uncheckedEnvironments(doc) : undefined;
  if (check && !unchecked) check.verdict();
  const environments = unchecked ?? checkSeed(doc, defaultKeys);

  let rows = 0;
  const loaded: LoadedEnvironment[] = [];
  const insertAll = () => {
    environments.forEach((env, i) => {
      const id = newEnvironmentKey();
      const publicId = newId('environment');
      stores.environments.insert({ id, public_id: publicId, name: env.name!, created_at: clock.now() });
      const envKeys = keysOf(env, i, defaultKeys);
      for (const key of envKeys) stores.environments.addKey(id, key);
      rows += insertEnvironmentSeed(stores, id, env, clock, check?.sortedTargets && (() => check.sortedTargets!()?.[i]));
      loaded.push({ id, publicId, name: env.name!, keys: envKeys });
    });
    // Before the commit: a failed check rolls everything back.
    check?.verdict();
  };
  try {
    if (environments.reduce((n, env) => n + roughRowCount(env), 0) >= BULK_LOAD_MIN_ROWS) bulkLoad(db, insertAll);
    else db.transaction(insertAll)();
  } catch (err) {
    if (err instanceof SeedError) throw err;
    // An unchecked seed may fail to insert (a missing field, a duplicate key): its check says why.
    check?.verdict();
    throw new SeedError(`seed: ${(err as Error).message}`);
  }
  return { environments: loaded, rows };
}

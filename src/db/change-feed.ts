import type { Db } from './open.js';

/**
 * The one source of cache invalidation: SQLite itself says which rows were written, and this file
 * turns each written row into what it can change. Caches (src/db/kept-map.ts) listen and drop
 * only that. See docs/caching.md.
 *
 * Every table of the main database gets TEMP triggers (AFTER INSERT, UPDATE, DELETE; found at
 * start-up, so tables added by later migrations are covered without code) that call
 * `flagstand_changed` with the row's environment and the columns its rule names. A write to a
 * table is therefore never missed, whatever route, service or SQL makes it; what differs is how
 * much it drops:
 *
 * - Every written row of environment E: `written(E)`, which drops every answer kept "while E is
 *   unchanged" (responses, pages, the poll document).
 * - A table with a rule below: also its scopes (`flag <id>`, `subject <id>`, `keys`, `resource <id>`,
 *   …), which drop just the entries that read them (a flag, a user's or an organization's facts,
 *   a resource's ancestor path).
 * - A table without a rule: `everything(E)`, every kept entry of E, fine-grained ones included.
 *   This is the safe default for tables nobody taught this file about; a table opts into finer
 *   invalidation by getting a rule (and a test that its writes show).
 * - A table without an environment column, a commit by another connection to the same file
 *   (data_version), or a bulk write run `quietly`: everything, everywhere (or of the named
 *   environments).
 */

/**
 * What a kept entry can depend on besides "its environment is unchanged". `flag <id>`: one flag's
 * row and rules; `flag order`: which flags exist (one created or deleted moves every flag list);
 * `rules <flag>`: the flag's rules alone (not its row); `flag evaluation <id>`: what evaluating
 * a subject reads of the flag, its rules and default_value (not its enabled state, so not a
 * toggle), or the flag created or deleted. `keys`: which
 * environment a secret key belongs to (not scoped to an environment). `targets <flag>`: the
 * flag's rules and rule memberships, with their labels (a target's email or name, which triggers
 * copy into its memberships: migration 0090). The access check's facts: `resource <id>` (one
 * stored resource: its row, so its parent), `membership <id>` (a membership's row and its role
 * assignments), `role <organization_id> <slug>` (one role, organization_id '' for an environment
 * role: its permissions).
 */
export type Scope =
  | `flag ${string}`
  | 'flag order'
  | `flag evaluation ${string}`
  | `rules ${string}`
  | `subject ${string}`
  | `targets ${string}`
  | 'keys'
  | `resource ${string}`
  | `membership ${string}`
  | `role ${string} ${string}`;

export type WriteKind = 'insert' | 'delete' | 'update';

interface Rule {
  /** The column holding the environment (default environment_id). */
  environment?: string;
  /** Columns passed to `scopes`, in order. */
  columns: string[];
  /**
   * The scopes a written row (its old or its new values) changes; `everything` drops all of the
   * environment. `kind`: the row was inserted, deleted, or updated (called with its old values, then,
   * when they differ, its new). `moved`: an update whose rule columns or environment changed.
   */
  scopes: (values: string[], kind: WriteKind, moved: boolean) => Scope[] | 'everything';
  /**
   * No triggers at all: no kept answer reads the table, and its rows are only written beside rows
   * of tables that have them (the outbox), so reporting them would cost every write for nothing.
   */
  unwatched?: true;
}

/**
 * Fine-grained invalidation, declared per table: what a row of it can change. A reader that
 * keeps something must depend on every scope whose rows it reads (docs/caching.md lists them).
 */
export const RULES: Record<string, Rule> = {
  // A flag's own row: its state and fields; a flag created or deleted also changes which flags a
  // list walks past (its sort key, created_at, is never updated). Its default_value is a column of
  // the rule so that an update tells it apart from a toggle: what a subject's exceptions depend on.
  feature_flags: {
    columns: ['id', 'default_value'],
    scopes: ([id], kind, moved) =>
      kind !== 'update' ? [`flag ${id}`, 'flag order', `flag evaluation ${id}`] : moved ? [`flag ${id}`, `flag evaluation ${id}`] : [`flag ${id}`],
  },
  // A rule (its value, position, type) changes the flag it belongs to (as lists evaluate it), its
  // rules (`rules <flag>`: what the rule cache holds, which a toggle leaves alone), how it evaluates, and which targets it has.
  flag_rules: { columns: ['flag_id'], scopes: ([flag]) => [`flag ${flag}`, `rules ${flag}`, `flag evaluation ${flag}`, `targets ${flag}`] },
  // A rule membership (a target) changes only the facts of the subject it names, and its flag's targets.
  flag_targets: { columns: ['target_id', 'flag_id'], scopes: ([target, flag]) => [`subject ${target}`, `targets ${flag}`] },
  // A membership changes only its user's facts (an organization's list does not read members),
  // and what checks read of it (its status, organization and own role).
  organization_memberships: { columns: ['user_id', 'id'], scopes: ([user, id]) => [`subject ${user}`, `membership ${id}`] },
  // A role assignment changes only the grants of its membership.
  role_assignments: { columns: ['organization_membership_id'], scopes: ([membership]) => [`membership ${membership}`] },
  // A resource's row (its parent above all) changes the ancestor path of it and of every descendant:
  // each kept path depends on every resource on it.
  authorization_resources: { columns: ['id'], scopes: ([id]) => [`resource ${id}`] },
  // A role's row holds its permissions (a deleted permission is taken out of each role's row).
  roles: { columns: ['organization_id', 'slug'], scopes: ([organization, slug]) => [`role ${organization} ${slug}`] },
  users: { columns: ['id'], scopes: ([id]) => [`subject ${id}`] },
  organizations: { columns: ['id'], scopes: ([id]) => [`subject ${id}`] },
  environment_api_keys: { columns: [], scopes: () => ['keys'] },
  // An environment created or deleted: its keys, and all it had.
  environments: { environment: 'id', columns: [], scopes: () => 'everything' },
  // Replayed POST answers: no kept read depends on them.
  idempotency_keys: { columns: [], scopes: () => [], unwatched: true },
  // The outbox: every write records its events here, beside the rows of its change (which report
  // themselves). No kept read depends on events or deliveries (GET /events and the admin
  // deliveries list read the tables), so their rows are not reported: two to four a write. The
  // same for the large parts of event bodies (events/parts.ts checks a part exists before naming it).
  events: { columns: [], scopes: () => [], unwatched: true },
  event_parts: { columns: [], scopes: () => [], unwatched: true },
  webhook_deliveries: { columns: [], scopes: () => [], unwatched: true },
};

export interface ChangeListener {
  /** Every kept entry of `environmentId`, or of all environments when undefined. */
  everything(environmentId?: string): void;
  /** A row of the environment was written. */
  written(environmentId: string): void;
  /** What a scope covers changed (`keys` comes with environment ''). */
  scope(environmentId: string, scope: Scope): void;
}

export interface ChangeFeed {
  listen(listener: ChangeListener): void;
  /**
   * Before reading a kept entry: for a file database, a commit by another connection (another
   * process on the same file) drops everything. Cheap: one statement, none in memory.
   */
  sync(): void;
  /**
   * Runs a bulk write (thousands of rows: an environment copied, loaded or purged) without a
   * call per row, then drops everything of the environments `touched` names from its result.
   */
  quietly<T>(fn: () => T, touched: (result: T) => string[]): T;
}

const feeds = new WeakMap<Db, ChangeFeed>();

/** The connection's feed, once installed (until then nothing may be kept: see kept-map.ts). */
export function changeFeedOf(db: Db): ChangeFeed | undefined {
  return feeds.get(db);
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Installs the triggers on an open, migrated database (after a start-up seed, which then costs
 * nothing per row). Idempotent per connection.
 */
export function installChangeFeed(db: Db): ChangeFeed {
  const existing = feeds.get(db);
  if (existing) return existing;
  const listeners: ChangeListener[] = [];
  const everything = (environmentId?: string) => {
    for (const l of listeners) l.everything(environmentId);
  };

  const tables = db
    .prepare<[], { name: string }>(`SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .all()
    .map((r) => r.name);
  const columnsOf = db.prepare<[string], { name: string }>('SELECT name FROM main.pragma_table_info(?)');
  // Per table (by position): the environment column, or none, and its rule.
  const plans = tables.map((name) => {
    const columns = new Set(columnsOf.all(name).map((c) => c.name));
    // A rule naming a column the table no longer has (a migration renamed it) is ignored, so the
    // table falls back to the safe default; test/unit/kept-map.test.ts fails on it.
    const declared = RULES[name];
    const rule = declared && [declared.environment ?? 'environment_id', ...declared.columns].every((c) => columns.has(c)) ? declared : undefined;
    const environment = rule?.environment ?? 'environment_id';
    return { name, rule, environment: columns.has(environment) ? environment : undefined };
  });

  const report = (plan: (typeof plans)[number], kind: WriteKind, env: string, values: unknown[], moved = false) => {
    for (const l of listeners) l.written(env);
    const scopes = plan.rule ? plan.rule.scopes(values.map(String), kind, moved) : 'everything';
    if (scopes === 'everything') return everything(env);
    for (const scope of scopes) {
      const scopeEnv = scope === 'keys' ? '' : env;
      for (const l of listeners) l.scope(scopeEnv, scope);
    }
  };
  // An update passes its old row's environment and columns, then its new row's: reported once
  // when they are the same (a flag toggled, a flag's updated_at moved), as both otherwise (a row
  // moved to another subject changes both).
  db.function('flagstand_changed', { varargs: true, deterministic: false }, (table: unknown, kind: unknown, environmentId: unknown, ...values: unknown[]) => {
    const plan = plans[table as number];
    if (plan.environment === undefined) return everything(), null;
    if (kind !== 'update') return report(plan, kind as WriteKind, String(environmentId), values), null;
    const n = (values.length - 1) / 2; // values: the old row's columns, the new row's environment, its columns
    const old = values.slice(0, n);
    const newEnvironment = values[n];
    const next = values.slice(n + 1);
    const moved = newEnvironment !== environmentId || next.some((v, i) => v !== old[i]);
    report(plan, 'update', String(environmentId), old, moved);
    if (moved) report(plan, 'update', String(newEnvironment), next, true);
    return null;
  });

  db.exec(`CREATE TEMP TABLE flagstand_feed (quiet INTEGER NOT NULL); INSERT INTO flagstand_feed VALUES (0);`);
  const when = 'WHEN (SELECT quiet FROM temp.flagstand_feed) = 0';
  plans.forEach((plan, i) => {
    if (plan.rule?.unwatched) return;
    const columns = (row: 'NEW' | 'OLD') => [plan.environment ? `${row}.${quote(plan.environment)}` : 'NULL', ...(plan.rule?.columns ?? []).map((c) => `${row}.${quote(c)}`)];
    const call = (kind: WriteKind, ...rows: ('NEW' | 'OLD')[]) => `SELECT flagstand_changed(${[String(i), `'${kind}'`, ...rows.flatMap(columns)].join(', ')});`;
    const trigger = (event: string) => quote(`flagstand_feed_${plan.name}_${event}`);
    const table = `main.${quote(plan.name)}`;
    db.exec(`CREATE TEMP TRIGGER ${trigger('insert')} AFTER INSERT ON ${table} ${when} BEGIN ${call('insert', 'NEW')} END`);
    db.exec(`CREATE TEMP TRIGGER ${trigger('delete')} AFTER DELETE ON ${table} ${when} BEGIN ${call('delete', 'OLD')} END`);
    // Old and new values in one call (see flagstand_changed).
    db.exec(`CREATE TEMP TRIGGER ${trigger('update')} AFTER UPDATE ON ${table} ${when} BEGIN ${call('update', 'OLD', 'NEW')} END`);
  });

  const setQuiet = db.prepare('UPDATE temp.flagstand_feed SET quiet = ?');
  const dataVersion = db.memory ? undefined : db.prepare<[], number>('PRAGMA data_version').pluck();
  let lastVersion = dataVersion?.get();

  const feed: ChangeFeed = {
    listen: (listener) => void listeners.push(listener),
    sync() {
      if (!dataVersion) return;
      const version = dataVersion.get();
      if (version !== lastVersion) {
        lastVersion = version;
        everything();
      }
    },
    quietly(fn, touched) {
      setQuiet.run(1);
      let result;
      try {
        result = fn();
      } catch (err) {
        // What it wrote before failing is rolled back or not: either way, drop all.
        everything();
        throw err;
      } finally {
        setQuiet.run(0);
      }
      for (const env of touched(result)) everything(env);
      return result;
    },
  };
  feeds.set(db, feed);
  return feed;
}

/** The triggers installChangeFeed adds to a table (for the coverage test); none to an unwatched one. */
export const feedTriggerNames = (table: string) => ['insert', 'delete', 'update'].map((event) => `flagstand_feed_${table}_${event}`);

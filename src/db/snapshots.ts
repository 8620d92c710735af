import { onFirstUse } from './on-first-use.js';
import type { Db } from './open.js';

/**
 * Snapshots of one environment's rows, taken and restored inside SQLite in milliseconds.
 *
 * Copies live in an attached in-memory database, one mirror table per environment-scoped table
 * (any table with an `environment_id` column, found at start-up, so tables added by later
 * migrations are covered without code). Restoring never rewrites the whole environment: temp
 * triggers stamp every row written (by primary key) with the current epoch, and each snapshot
 * remembers the epoch at which the environment last equalled it, so a restore puts back only the
 * rows stamped after that. A test that changed five rows restores five rows, in place with foreign
 * keys on (restoreInPlace), or deleted and copied back with them off (restore).
 *
 * A lazy snapshot (every baseline) copies nothing when taken, so a server seeded with a million
 * rows starts without copying them. Temp BEFORE UPDATE/DELETE triggers save a row's old values
 * into the copy the first time it is written after the snapshot's synced epoch, i.e. while it
 * still holds the snapshot's state. A lazy copy is therefore partial: a key not stamped since the
 * synced epoch holds the snapshot's row in the main table, and a stamped key holds it in the copy
 * (or nowhere: a row inserted since). Every copied row is the snapshot's row for good, so a save
 * never overwrites one. Writes must not use OR REPLACE: its implicit deletes fire no trigger.
 */

const SCHEMA = 'flagstand_snapshots';
// Keys say who an environment is, not what it holds: a restore must never revoke the caller's key,
// nor change the signing key clients cached from the JWKS.
const NOT_CONTENT = new Set(['environment_api_keys', 'signing_keys']);

interface TrackedTable {
  name: string;
  /** Columns but environment_id, in table order. */
  columns: string[];
  /** Primary-key columns but environment_id. */
  key: string[];
}

export interface SnapshotRecord {
  id: string;
  environment_id: string;
  /** The state an environment had when it was created or the server started; what a reset restores. */
  baseline: boolean;
  created_at: string;
}

interface SnapshotRow extends Omit<SnapshotRecord, 'baseline'> {
  num: number;
  baseline: 0 | 1;
  /** The copy holds only the rows written since synced_epoch (see the top of this file). */
  lazy: 0 | 1;
  /** The last epoch at which the environment equalled this snapshot. */
  synced_epoch: number;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const list = (names: string[], prefix = '') => names.map((n) => prefix + quote(n)).join(', ');

function trackedTables(db: Db): TrackedTable[] {
  const tables = db
    .prepare<[], { name: string }>(
      `SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
    )
    .all()
    .map((r) => r.name)
    .filter((name) => !NOT_CONTENT.has(name));
  const info = db.prepare<[string], { name: string; type: string; pk: number }>(
    'SELECT name, type, pk FROM main.pragma_table_info(?)',
  );
  const tracked: TrackedTable[] = [];
  for (const name of tables) {
    const cols = info.all(name);
    if (!cols.some((c) => c.name === 'environment_id')) continue;
    const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
    // Rows are told apart by primary key; without environment_id in it, two environments could share one.
    if (!pk.some((c) => c.name === 'environment_id') || pk.length < 2) {
      throw new Error(`table ${name}: snapshots need a PRIMARY KEY (environment_id, …) on every environment-scoped table`);
    }
    tracked.push({
      name,
      columns: cols.map((c) => c.name).filter((c) => c !== 'environment_id'),
      key: pk.map((c) => c.name).filter((c) => c !== 'environment_id'),
    });
  }
  return parentsFirst(db, tracked);
}

/**
 * The tables in an order where every table comes after the tables its foreign keys name, so rows
 * put back in that order (and deleted in the reverse) never wait on a parent; alphabetical
 * otherwise. A cycle, if a migration ever made one, keeps its tables alphabetical at the end: a
 * restore in place then fails on a missing parent and falls back (see restoreInPlace).
 */
function parentsFirst(db: Db, tables: TrackedTable[]): TrackedTable[] {
  const parentsOf = db.prepare<[string], { table: string }>('SELECT DISTINCT "table" FROM main.pragma_foreign_key_list(?)');
  const names = new Set(tables.map((t) => t.name));
  const waiting = new Map(tables.map((t) => [t, new Set(parentsOf.all(t.name).map((r) => r.table).filter((p) => names.has(p) && p !== t.name))]));
  const ordered: TrackedTable[] = [];
  const placed = new Set<string>();
  for (let progress = true; progress; ) {
    progress = false;
    for (const [t, parents] of waiting) {
      if ([...parents].every((p) => placed.has(p))) {
        ordered.push(t);
        placed.add(t.name);
        waiting.delete(t);
        progress = true;
      }
    }
  }
  return [...ordered, ...waiting.keys()];
}

/** SQLite refused a row for a constraint (unique, primary key, foreign key, check). */
export const isConstraintError = (err: unknown): boolean =>
  typeof (err as { code?: unknown })?.code === 'string' && (err as { code: string }).code.startsWith('SQLITE_CONSTRAINT');

export interface Snapshots {
  /** The environment-scoped tables snapshots cover. */
  tables: string[];
  /**
   * Remembers the environment's rows as they stand now: copies them, or with `lazy` copies
   * nothing now and each row on its first write after (cheap to take, a little cost per write).
   */
  take(snapshot: SnapshotRecord, options?: { lazy?: boolean }): SnapshotRecord;
  /** Puts the snapshot's environment back as the snapshot holds it. Foreign keys off. */
  restore(id: string): void;
  /**
   * The same with foreign keys on, so nothing is prepared again after (a PRAGMA foreign_keys
   * expires every prepared statement of the connection): only rows changed since are touched,
   * updated where they still exist, deleted where they were added, inserted where they were
   * removed. Throws a constraint error (isConstraintError), with nothing changed, when a row
   * cannot go back that way (a unique value moved between two kept rows); restore() then can.
   */
  restoreInPlace(id: string): void;
  /** Copies a snapshot's rows into another, empty environment. Foreign keys off. */
  copyInto(id: string, environmentId: string): void;
  /** Deletes every row of an environment and everything remembered about it. Foreign keys off. */
  purge(environmentId: string): void;
  drop(id: string): void;
  get(id: string): SnapshotRecord | undefined;
  baselineOf(environmentId: string): string | undefined;
  ofEnvironment(environmentId: string): SnapshotRecord[];
  /** Runs bulk writes to an environment no snapshot remembers yet without stamping each row. */
  untracked<T>(fn: () => T): T;
}

/** Builds the snapshot schema and triggers on an open, migrated database. One per connection. */
export function createSnapshots(db: Db): Snapshots {
  const tables = trackedTables(db);
  const declared = db.prepare<[string], { name: string; type: string }>('SELECT name, type FROM main.pragma_table_info(?)');
  db.exec(`ATTACH DATABASE ':memory:' AS ${SCHEMA}`);
  db.exec(`
    CREATE TABLE ${SCHEMA}.state (epoch INTEGER NOT NULL, tracking INTEGER NOT NULL);
    INSERT INTO ${SCHEMA}.state VALUES (1, 1);
    CREATE TABLE ${SCHEMA}.snapshots (
      num INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, environment_id TEXT NOT NULL,
      baseline INTEGER NOT NULL, lazy INTEGER NOT NULL, synced_epoch INTEGER NOT NULL, created_at TEXT NOT NULL);
    CREATE INDEX ${SCHEMA}.snapshots_environment ON snapshots (environment_id);`);

  // Statements are prepared on first use: most servers never reset, and start-up is paid per test.
  const lazy = (sql: string, pluck = false) => onFirstUse(db, sql, pluck);

  const perTable = tables.map((t) => {
    const types = new Map(declared.all(t.name).map((c) => [c.name, c.type]));
    const copy = `${SCHEMA}.${quote('copy_' + t.name)}`;
    const changed = `${SCHEMA}.${quote('changed_' + t.name)}`;
    const main = `main.${quote(t.name)}`;
    // Declared types keep each column's affinity, so values come back exactly as they went in.
    db.exec(`CREATE TABLE ${copy} (snapshot INTEGER NOT NULL, ${t.columns.map((c) => `${quote(c)} ${types.get(c)}`).join(', ')},
      PRIMARY KEY (snapshot, ${list(t.key)})) WITHOUT ROWID`);
    db.exec(`CREATE TABLE ${changed} (environment_id TEXT NOT NULL, ${list(t.key)}, epoch INTEGER NOT NULL,
      PRIMARY KEY (environment_id, ${list(t.key)})) WITHOUT ROWID`);
    // The WHEN skips the body while untracked (bulk copies); an upsert, not OR REPLACE, because an
    // outer statement's conflict clause would override the trigger's (and after a SELECT, an upsert
    // needs a WHERE to parse).
    const stamp = (row: 'NEW' | 'OLD', where = 'WHERE true') =>
      `INSERT INTO ${changed} SELECT ${row}.environment_id, ${list(t.key, row + '.')}, epoch FROM ${SCHEMA}.state
       ${where} ON CONFLICT DO UPDATE SET epoch = excluded.epoch;`;
    // An update stamps its new key too only when the key moved.
    const keyMoved = 'WHERE ' + t.key.map((k) => `OLD.${quote(k)} IS NOT NEW.${quote(k)}`).join(' OR ');
    const trigger = (event: string) => quote(`flagstand_track_${t.name}_${event}`);
    // TEMP triggers: they may write to the attached database and never touch a file database's schema.
    const when = `WHEN (SELECT tracking FROM ${SCHEMA}.state)`;
    db.exec(`CREATE TEMP TRIGGER ${trigger('insert')} AFTER INSERT ON ${main} ${when} BEGIN ${stamp('NEW')} END`);
    db.exec(`CREATE TEMP TRIGGER ${trigger('delete')} AFTER DELETE ON ${main} ${when} BEGIN ${stamp('OLD')} END`);
    db.exec(`CREATE TEMP TRIGGER ${trigger('update')} AFTER UPDATE ON ${main} ${when} BEGIN ${stamp('OLD')} ${stamp('NEW', keyMoved)} END`);
    // Before a row's first write since a lazy snapshot's synced epoch, its old values are the
    // snapshot's: save them. A key an UPDATE moves to, and a key an INSERT fills, were empty, so
    // the snapshot holds no row there. Untracked work needs no save (it restores the only
    // snapshot, or writes an environment no snapshot remembers, or one being purged). Costs two
    // index lookups per write (~1 µs); the same statement inside the AFTER trigger measured slower.
    const unstamped = `NOT EXISTS (SELECT 1 FROM ${changed} c WHERE c.environment_id = OLD.environment_id
      AND ${t.key.map((k) => `c.${quote(k)} = OLD.${quote(k)}`).join(' AND ')} AND c.epoch > s.synced_epoch)`;
    const save = `INSERT INTO ${copy} (snapshot, ${list(t.columns)}) SELECT s.num, ${list(t.columns, 'OLD.')}
      FROM ${SCHEMA}.snapshots s WHERE s.environment_id = OLD.environment_id AND s.lazy = 1 AND ${unstamped}
      ON CONFLICT DO NOTHING;`;
    db.exec(`CREATE TEMP TRIGGER ${trigger('save_update')} BEFORE UPDATE ON ${main} ${when} BEGIN ${save} END`);
    db.exec(`CREATE TEMP TRIGGER ${trigger('save_delete')} BEFORE DELETE ON ${main} ${when} BEGIN ${save} END`);

    const keyTuple = `(${list(t.key)})`;
    const sameKey = (a: string, b: string) => t.key.map((k) => `${a}.${quote(k)} = ${b}.${quote(k)}`).join(' AND ');
    const values = t.columns.filter((c) => !t.key.includes(c));
    const changedKeys = (env = '@env') => `SELECT ${list(t.key)} FROM ${changed} WHERE environment_id = ${env} AND epoch > @since`;
    return {
      /** Two columns: whether the environment @source has rows here, and whether the copy holds rows of snapshot @num. */
      holds: `EXISTS (SELECT 1 FROM ${main} WHERE environment_id = @source), EXISTS (SELECT 1 FROM ${copy} WHERE snapshot = @num)`,
      take: lazy(`INSERT INTO ${copy} SELECT @num, ${list(t.columns)} FROM ${main} WHERE environment_id = @env`),
      copyInto: lazy(
        `INSERT INTO ${main} (environment_id, ${list(t.columns)}) SELECT @env, ${list(t.columns)} FROM ${copy} WHERE snapshot = @num`,
      ),
      // A lazy snapshot's rows: the source's rows not stamped since, then the copy's stamped ones.
      copyUnchangedInto: lazy(
        `INSERT INTO ${main} (environment_id, ${list(t.columns)}) SELECT @env, ${list(t.columns)} FROM ${main}
         WHERE environment_id = @source AND ${keyTuple} NOT IN (${changedKeys('@source')})`,
      ),
      copyChangedInto: lazy(
        `INSERT INTO ${main} (environment_id, ${list(t.columns)}) SELECT @env, ${list(t.columns)} FROM ${copy}
         WHERE snapshot = @num AND ${keyTuple} IN (${changedKeys('@source')})`,
      ),
      countChanged: lazy(`SELECT count(*) FROM (${changedKeys()})`, true),
      countCopy: lazy(`SELECT count(*) FROM ${copy} WHERE snapshot = ?`, true),
      deleteChanged: lazy(`DELETE FROM ${main} WHERE environment_id = @env AND ${keyTuple} IN (${changedKeys()})`),
      copyChanged: lazy(
        `INSERT INTO ${main} (environment_id, ${list(t.columns)}) SELECT @env, ${list(t.columns)} FROM ${copy}
         WHERE snapshot = @num AND ${keyTuple} IN (${changedKeys()})`,
      ),
      // Restored in place (restoreInPlace), each driven by the keys stamped since (@since):
      // rows added since go, kept rows get their copied values back, removed rows come back.
      deleteAdded: lazy(
        `DELETE FROM ${main} WHERE environment_id = @env AND ${keyTuple} IN (SELECT ${list(t.key, 'ch.')} FROM ${changed} ch
         WHERE ch.environment_id = @env AND ch.epoch > @since AND NOT EXISTS (SELECT 1 FROM ${copy} c WHERE c.snapshot = @num AND ${sameKey('c', 'ch')}))`,
      ),
      updateKept:
        values.length === 0
          ? undefined
          : lazy(
              `UPDATE ${main} AS m SET ${values.map((c) => `${quote(c)} = c.${quote(c)}`).join(', ')}
               FROM (SELECT c.* FROM ${changed} ch JOIN ${copy} c ON c.snapshot = @num AND ${sameKey('c', 'ch')}
                     WHERE ch.environment_id = @env AND ch.epoch > @since) AS c
               WHERE m.environment_id = @env AND ${sameKey('m', 'c')} AND NOT (${values.map((v) => `m.${quote(v)} IS c.${quote(v)}`).join(' AND ')})`,
            ),
      insertRemoved: lazy(
        `INSERT INTO ${main} (environment_id, ${list(t.columns)}) SELECT @env, ${list(t.columns, 'c.')}
         FROM ${changed} ch JOIN ${copy} c ON c.snapshot = @num AND ${sameKey('c', 'ch')}
         WHERE ch.environment_id = @env AND ch.epoch > @since
           AND NOT EXISTS (SELECT 1 FROM ${main} m WHERE m.environment_id = @env AND ${sameKey('m', 'ch')})`,
      ),
      forget: lazy(`DELETE FROM ${changed} WHERE environment_id = @env AND epoch <= @upTo`),
      forgetAll: lazy(`DELETE FROM ${changed} WHERE environment_id = ?`),
      drop: lazy(`DELETE FROM ${copy} WHERE snapshot = ?`),
      purge: lazy(`DELETE FROM ${main} WHERE environment_id = ?`),
    };
  });

  // Which tables a copy has rows to take from, in one statement: most tables hold nothing for a
  // given environment, and each INSERT…SELECT run is prepared again after every PRAGMA foreign_keys
  // (SQLite expires all statements), ~40 µs each with its triggers.
  const holds = lazy(`SELECT ${perTable.map((t) => t.holds).join(', ')}`);
  const epoch = db.prepare(`SELECT epoch FROM ${SCHEMA}.state`).pluck();
  const nextEpoch = db.prepare(`UPDATE ${SCHEMA}.state SET epoch = epoch + 1`);
  const setTracking = db.prepare(`UPDATE ${SCHEMA}.state SET tracking = ?`);
  const register = db.prepare(
    `INSERT INTO ${SCHEMA}.snapshots (id, environment_id, baseline, lazy, synced_epoch, created_at)
     VALUES (@id, @environment_id, @baseline, @lazy, @synced_epoch, @created_at)`,
  );
  const byId = db.prepare<[string], SnapshotRow>(
    `SELECT num, id, environment_id, baseline, lazy, synced_epoch, created_at FROM ${SCHEMA}.snapshots WHERE id = ?`,
  );
  const baselineOf = db.prepare<[string], { id: string }>(
    `SELECT id FROM ${SCHEMA}.snapshots WHERE environment_id = ? AND baseline = 1`,
  );
  const ofEnvironment = db.prepare<[string], SnapshotRow>(
    `SELECT num, id, environment_id, baseline, lazy, synced_epoch, created_at FROM ${SCHEMA}.snapshots WHERE environment_id = ? ORDER BY num`,
  );
  const synced = db.prepare(`UPDATE ${SCHEMA}.snapshots SET synced_epoch = ? WHERE num = ?`);
  const oldestSync = db.prepare(`SELECT min(synced_epoch) FROM ${SCHEMA}.snapshots WHERE environment_id = ?`).pluck();
  const unregister = db.prepare(`DELETE FROM ${SCHEMA}.snapshots WHERE num = ?`);
  const numsOf = db.prepare(`SELECT num FROM ${SCHEMA}.snapshots WHERE environment_id = ?`).pluck();
  const snapshotCount = db.prepare(`SELECT count(*) FROM ${SCHEMA}.snapshots WHERE environment_id = ?`).pluck();

  const toRecord = (r: SnapshotRow): SnapshotRecord => ({
    id: r.id,
    environment_id: r.environment_id,
    baseline: r.baseline === 1,
    created_at: r.created_at,
  });

  const find = (id: string) => {
    const row = byId.get(id);
    if (!row) throw new Error(`no snapshot ${id}`);
    return row;
  };

  // Bulk copies run in table order and a restore must not cascade a parent's delete into children
  // it is not rewriting, so every bulk operation runs with foreign keys off (see withoutForeignKeys).
  const foreignKeysOn = db.prepare('PRAGMA foreign_keys').pluck();
  const requireForeignKeysOff = () => {
    if (foreignKeysOn.get()) throw new Error('snapshots: bulk operations must run inside withoutForeignKeys()');
  };

  const untracked = <T>(fn: () => T): T => {
    setTracking.run(0);
    try {
      return fn();
    } finally {
      setTracking.run(1);
    }
  };

  // Rows written before this point are in the copy (or, lazy, stay where they are until written);
  // rows written after get a later epoch.
  const take = db.transaction((snapshot: SnapshotRecord, options: { lazy?: boolean } = {}): SnapshotRecord => {
    const current = epoch.get() as number;
    const lazy = options.lazy ? 1 : 0;
    const { lastInsertRowid } = register.run({ ...snapshot, baseline: snapshot.baseline ? 1 : 0, lazy, synced_epoch: current });
    if (!lazy) for (const t of perTable) t.take().run({ num: lastInsertRowid, env: snapshot.environment_id });
    nextEpoch.run();
    return snapshot;
  });

  const restore = db.transaction((id: string) => {
    requireForeignKeysOff();
    const snapshot = find(id);
    const env = snapshot.environment_id;
    const params = { env, num: snapshot.num, since: snapshot.synced_epoch };
    const plan = perTable.flatMap((t) => {
      const changed = t.countChanged().get(params) as number;
      if (changed === 0) return [];
      // Past a quarter of the table, rewriting it whole is cheaper than matching keys (a lazy copy
      // holds only the changed rows, so it is always restored by key).
      return [{ t, whole: !snapshot.lazy && changed * 4 > (t.countCopy().get(snapshot.num) as number) }];
    });
    const rewrite = () => {
      // Every delete before any insert: unique columns (slug, email) may have moved between rows.
      for (const { t, whole } of plan) (whole ? t.purge().run(env) : t.deleteChanged().run(params));
      for (const { t, whole } of plan) (whole ? t.copyInto().run(params) : t.copyChanged().run(params));
    };
    rewriteThenSync(snapshot, rewrite);
  });

  const restoreInPlace = db.transaction((id: string) => {
    const snapshot = find(id);
    const env = snapshot.environment_id;
    const params = { env, num: snapshot.num, since: snapshot.synced_epoch };
    const plan = perTable.filter((t) => (t.countChanged().get(params) as number) > 0);
    rewriteThenSync(snapshot, () => {
      // Children before parents, so no delete cascades; parents before children, so no row waits on one.
      for (const t of [...plan].reverse()) t.deleteAdded().run(params);
      for (const t of plan) t.updateKept?.().run(params);
      for (const t of plan) t.insertRemoved().run(params);
    });
  });

  /** Runs a restore's rewrite, then records that the environment equals the snapshot as of now. */
  const rewriteThenSync = (snapshot: SnapshotRow, rewrite: () => void) => {
    const env = snapshot.environment_id;
    // The restore's own writes must be stamped for the environment's other snapshots, if it has any.
    if ((snapshotCount.get(env) as number) > 1) rewrite();
    else untracked(rewrite);
    const current = epoch.get() as number;
    synced.run(current, snapshot.num);
    nextEpoch.run();
    const upTo = oldestSync.get(env) as number;
    for (const t of perTable) t.forget().run({ env, upTo });
  };

  const copyInto = db.transaction((id: string, environmentId: string) => {
    requireForeignKeysOff();
    const snapshot = find(id);
    const params = { num: snapshot.num, env: environmentId, source: snapshot.environment_id, since: snapshot.synced_epoch };
    const held = holds().raw().get(params) as number[];
    untracked(() => {
      perTable.forEach((t, i) => {
        const [inMain, inCopy] = [held[2 * i], held[2 * i + 1]];
        if (!snapshot.lazy) {
          if (inCopy) t.copyInto().run(params);
          return;
        }
        if (inMain) t.copyUnchangedInto().run(params);
        if (inCopy) t.copyChangedInto().run(params);
      });
    });
  });

  const purge = db.transaction((environmentId: string) => {
    requireForeignKeysOff();
    untracked(() => {
      for (const t of perTable) t.purge().run(environmentId);
    });
    for (const t of perTable) t.forgetAll().run(environmentId);
    for (const num of numsOf.all(environmentId)) {
      for (const t of perTable) t.drop().run(num);
      unregister.run(num);
    }
  });

  const drop = db.transaction((id: string) => {
    const snapshot = find(id);
    for (const t of perTable) t.drop().run(snapshot.num);
    unregister.run(snapshot.num);
  });

  return {
    tables: tables.map((t) => t.name),
    take,
    restore,
    restoreInPlace,
    copyInto,
    purge,
    drop,
    get: (id: string): SnapshotRecord | undefined => {
      const row = byId.get(id);
      return row && toRecord(row);
    },
    baselineOf: (environmentId: string) => baselineOf.get(environmentId)?.id,
    ofEnvironment: (environmentId: string) => ofEnvironment.all(environmentId).map(toRecord),
    untracked,
  };
}

/** Runs `fn` with foreign keys off; the pragma is a silent no-op inside a transaction, hence the check. */
export function withoutForeignKeys<T>(db: Db, fn: () => T): T {
  if (db.inTransaction) throw new Error('withoutForeignKeys: cannot run inside a transaction');
  db.pragma('foreign_keys = OFF');
  try {
    return fn();
  } finally {
    db.pragma('foreign_keys = ON');
  }
}

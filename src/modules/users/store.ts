import { prepareInsertMany } from '../../db/insert-many.js';
import type { Db } from '../../db/open.js';
import { cursorParams, prepareFilteredKeyset, type PageRequest, type SortKey } from '../../db/keyset.js';

export interface User {
  id: string;
  /** Always lowercase: the service and the seed loader fold it, so equality is the unique check. */
  email: string;
  first_name: string | null;
  last_name: string | null;
  email_verified: boolean;
  profile_picture_url: string | null;
  external_id: string | null;
  metadata: Record<string, string>;
  last_sign_in_at: string | null;
  locale: string | null;
  created_at: string;
  updated_at: string;
}

export interface UserRow extends Omit<User, 'email_verified' | 'metadata'> {
  email_verified: 0 | 1;
  metadata: string;
}

export interface UserFilter {
  email?: string;
  organization_id?: string;
}

const COLUMNS =
  'id, email, first_name, last_name, email_verified, profile_picture_url, external_id, metadata, last_sign_in_at, locale, created_at, updated_at';

/** The user columns read through `alias` as `<prefix><column>`, for queries that join users in. */
export function userColumnsAs(alias: string, prefix: string): string {
  return COLUMNS.split(', ')
    .map((c) => `${alias}.${c} AS ${prefix}${c}`)
    .join(', ');
}

/** The user read by `userColumnsAs` out of a joined row. */
export function userFromPrefixed(row: Record<string, unknown>, prefix: string): User {
  const picked = Object.fromEntries(COLUMNS.split(', ').map((c) => [c, row[prefix + c]]));
  return toUser(picked as unknown as UserRow);
}

export function toUser(row: UserRow): User {
  return { ...row, email_verified: row.email_verified === 1, metadata: JSON.parse(row.metadata) as Record<string, string> };
}

/** Prepared statements for users; rows in, rows out. */
export function createUserStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO users (environment_id, ${COLUMNS})
     VALUES (@environment_id, @id, @email, @first_name, @last_name, @email_verified, @profile_picture_url,
       @external_id, @metadata, @last_sign_in_at, @locale, @created_at, @updated_at)`,
  );
  const insertRows = prepareInsertMany(db, 'users', ['environment_id'], COLUMNS.split(', '));
  const update = db.prepare(
    `UPDATE users SET email = @email, first_name = @first_name, last_name = @last_name, email_verified = @email_verified,
       profile_picture_url = @profile_picture_url, external_id = @external_id, metadata = @metadata,
       last_sign_in_at = @last_sign_in_at, locale = @locale, updated_at = @updated_at
     WHERE environment_id = @environment_id AND id = @id`,
  );
  const remove = db.prepare('DELETE FROM users WHERE environment_id = ? AND id = ?');
  const exists = db.prepare<[string, string], { one: 1 }>('SELECT 1 AS one FROM users WHERE environment_id = ? AND id = ?');
  const byId = db.prepare<[string, string], UserRow>(`SELECT ${COLUMNS} FROM users WHERE environment_id = ? AND id = ?`);
  const byEmail = db.prepare<[string, string], UserRow>(`SELECT ${COLUMNS} FROM users WHERE environment_id = ? AND email = ?`);
  const byExternalId = db.prepare<[string, string], UserRow>(
    `SELECT ${COLUMNS} FROM users WHERE environment_id = ? AND external_id = ?`,
  );
  const sortKey = db.prepare<[string, string], SortKey>('SELECT created_at, id FROM users WHERE environment_id = ? AND id = ?');

  // Each filter shape walks its own index: users_email for email, the membership pair index for
  // the organization check (a membership of any status counts).
  const list = prepareFilteredKeyset<keyof UserFilter>(
    db,
    {
      email: 'u.email = @email',
      organization_id: `EXISTS (SELECT 1 FROM organization_memberships m
        WHERE m.environment_id = u.environment_id AND m.user_id = u.id AND m.organization_id = @organization_id)`,
    },
    (k) => `SELECT ${COLUMNS} FROM users u WHERE u.environment_id = @env ${k.filters} AND ${k.where} ORDER BY ${k.orderBy} ${k.limit}`,
    'u',
  );

  const rowOf = (environmentId: string, user: User) => ({
    environment_id: environmentId,
    ...user,
    email_verified: user.email_verified ? 1 : 0,
    metadata: JSON.stringify(user.metadata),
  });

  return {
    insert(environmentId: string, user: User): void {
      insert.run(rowOf(environmentId, user));
    },
    /** Adds many users at once (a seed), through multi-row statements. */
    insertMany(environmentId: string, users: readonly User[]): void {
      const values: unknown[] = [];
      for (const u of users) {
        values.push(u.id, u.email, u.first_name, u.last_name, u.email_verified ? 1 : 0, u.profile_picture_url, u.external_id,
          JSON.stringify(u.metadata), u.last_sign_in_at, u.locale, u.created_at, u.updated_at);
      }
      insertRows([environmentId], values);
    },
    update(environmentId: string, user: User): void {
      update.run(rowOf(environmentId, user));
    },
    /** Deletes the user; its memberships go with it (ON DELETE CASCADE). */
    delete(environmentId: string, id: string): void {
      remove.run(environmentId, id);
    },
    exists: (environmentId: string, id: string) => exists.get(environmentId, id) !== undefined,
    byId(environmentId: string, id: string): User | undefined {
      const row = byId.get(environmentId, id);
      return row && toUser(row);
    },
    byEmail(environmentId: string, email: string): User | undefined {
      const row = byEmail.get(environmentId, email);
      return row && toUser(row);
    },
    byExternalId(environmentId: string, externalId: string): User | undefined {
      const row = byExternalId.get(environmentId, externalId);
      return row && toUser(row);
    },
    sortKey: (environmentId: string, id: string) => sortKey.get(environmentId, id),
    list(environmentId: string, req: PageRequest, filter: UserFilter): User[] {
      const params = { env: environmentId, ...filter, ...cursorParams(req) };
      return (list(req, filter).all(params) as UserRow[]).map(toUser);
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;

import type { Db } from '../../db/open.js';

export const OAUTH_PROVIDERS = [
  'AppleOAuth', 'BitbucketOAuth', 'DiscordOAuth', 'GithubOAuth', 'GitLabOAuth', 'GoogleOAuth', 'IntuitOAuth', 'LinkedInOAuth',
  'MicrosoftOAuth', 'SalesforceOAuth', 'SlackOAuth', 'VercelMarketplaceOAuth', 'VercelOAuth', 'XeroOAuth',
] as const;
export type OAuthProvider = (typeof OAUTH_PROVIDERS)[number];

/** A user's account at an OAuth provider (seeded: flagstand runs no OAuth flow). */
export interface Identity {
  provider: OAuthProvider;
  idp_id: string;
}

/** Prepared statements for user identities. */
export function createIdentityStore(db: Db) {
  const insert = db.prepare(
    'INSERT INTO user_identities (environment_id, user_id, provider, idp_id, position) VALUES (?, ?, ?, ?, ?)',
  );
  const ofUser = db.prepare<[string, string], Identity>(
    'SELECT provider, idp_id FROM user_identities WHERE environment_id = ? AND user_id = ? ORDER BY position',
  );
  return {
    insert(environmentId: string, userId: string, identity: Identity, position: number): void {
      insert.run(environmentId, userId, identity.provider, identity.idp_id, position);
    },
    /** In the order they were given. */
    ofUser: (environmentId: string, userId: string) => ofUser.all(environmentId, userId),
  };
}

export type IdentityStore = ReturnType<typeof createIdentityStore>;

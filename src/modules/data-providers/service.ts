import { notFound } from '../../http/errors.js';
import type { ConnectedAccount, ConnectedAccountStore } from '../connected-accounts/store.js';
import type { DataProvider, DataProviderStore } from './store.js';

export interface DataProviderService {
  /** Every provider of the environment, each with the user's account for it (in that organization, or none). */
  forUser(environmentId: string, userId: string, organizationId?: string): { provider: DataProvider; account: ConnectedAccount | null }[];
}

export function createDataProviderService(
  providers: DataProviderStore,
  accounts: ConnectedAccountStore,
  userExists: (environmentId: string, id: string) => boolean,
): DataProviderService {
  return {
    forUser(environmentId, userId, organizationId) {
      if (!userExists(environmentId, userId)) throw notFound('User', userId);
      return providers.all(environmentId).map((provider) => ({
        provider,
        account: accounts.find(environmentId, userId, provider.slug, organizationId) ?? null,
      }));
    },
  };
}

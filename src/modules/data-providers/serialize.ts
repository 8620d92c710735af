import type { ConnectedAccount } from '../connected-accounts/store.js';
import { serializeEmbeddedConnectedAccount } from '../connected-accounts/serialize.js';
import type { DataProvider } from './store.js';

/** Provider → wire object in spec order, with the deprecated camelCase copies the spec requires. */
export function serializeDataProvider({ provider: p, account }: { provider: DataProvider; account: ConnectedAccount | null }) {
  return {
    object: 'data_provider' as const,
    id: p.id,
    name: p.name,
    description: p.description,
    slug: p.slug,
    integration_type: p.integration_type,
    credentials_type: p.credentials_type,
    scopes: p.scopes === null ? null : [...p.scopes],
    ownership: p.ownership,
    created_at: p.created_at,
    updated_at: p.updated_at,
    integrationType: p.integration_type,
    credentialsType: p.credentials_type,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
    connected_account: account === null ? null : serializeEmbeddedConnectedAccount(account),
  };
}

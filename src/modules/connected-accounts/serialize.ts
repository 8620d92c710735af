import type { ConnectedAccountWire } from './schemas.js';
import type { ConnectedAccount } from './store.js';

/** Connected account → wire object in spec order. */
export function serializeConnectedAccount(a: ConnectedAccount): ConnectedAccountWire {
  return {
    object: 'connected_account',
    id: a.id,
    user_id: a.user_id,
    organization_id: a.organization_id,
    scopes: [...a.scopes],
    state: a.state,
    created_at: a.created_at,
    updated_at: a.updated_at,
  };
}

/** The account as a data provider list embeds it: the spec adds the deprecated camelCase copies there. */
export function serializeEmbeddedConnectedAccount(a: ConnectedAccount) {
  return {
    ...serializeConnectedAccount(a),
    userlandUserId: a.user_id,
    organizationId: a.organization_id,
    createdAt: a.created_at,
    updatedAt: a.updated_at,
  };
}

import type { OrganizationApiKeyWire, OrganizationApiKeyWithValueWire } from './schemas.js';
import type { ApiKey } from './store.js';

/** API key → wire object in spec order; the secret never leaves after creation. */
export function serializeApiKey(key: ApiKey): OrganizationApiKeyWire {
  return {
    object: 'api_key',
    id: key.id,
    owner: { type: 'organization', id: key.organization_id },
    name: key.name,
    obfuscated_value: key.obfuscated_value,
    last_used_at: key.last_used_at,
    expires_at: key.expires_at,
    permissions: [...key.permissions],
    created_at: key.created_at,
    updated_at: key.updated_at,
  };
}

/** The creation answer: the one time the full `value` is shown. */
export function serializeCreatedApiKey(key: ApiKey, value: string): OrganizationApiKeyWithValueWire {
  return { ...serializeApiKey(key), value };
}

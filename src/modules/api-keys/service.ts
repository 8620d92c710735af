import type { EnvironmentTime } from '../clock/service.js';
import type { Db } from '../../db/open.js';
import { invalidParameters, notFound } from '../../http/errors.js';
import { pageRequest, toPage, type ListQuery, type Page } from '../../http/pagination.js';
import { ID_PREFIXES, newId } from '../../ids.js';
import type { CreateOrganizationApiKeyDto } from './schemas.js';
import { hashApiKeyValue, newApiKeyValue, obfuscateApiKeyValue } from './secret.js';
import type { ApiKey, ApiKeyStore } from './store.js';

export interface ApiKeyService {
  list(environmentId: string, organizationId: string, query: ListQuery): Page<ApiKey>;
  /** The new key and its secret, which is not kept. */
  create(environmentId: string, organizationId: string, body: CreateOrganizationApiKeyDto): { key: ApiKey; value: string };
  /** The key a secret belongs to (its last_used_at set to now), or null. */
  validate(environmentId: string, value: string): ApiKey | null;
  delete(environmentId: string, id: string): void;
}

/** A key built from a given secret (creation and seed share it). */
export function apiKeyRecord(
  organizationId: string,
  fields: { id?: string; name: string; value: string; permissions?: string[]; expires_at?: string | null },
  now: string,
): ApiKey {
  return {
    id: fields.id ?? newId('apiKey'),
    organization_id: organizationId,
    name: fields.name,
    value_sha256: hashApiKeyValue(fields.value),
    obfuscated_value: obfuscateApiKeyValue(fields.value),
    permissions: [...new Set(fields.permissions ?? [])],
    last_used_at: null,
    expires_at: fields.expires_at ?? null,
    created_at: now,
    updated_at: now,
  };
}

export function createApiKeyService(
  db: Db,
  store: ApiKeyStore,
  organizationExists: (environmentId: string, id: string) => boolean,
  clock: EnvironmentTime,
): ApiKeyService {
  const requireOrganization = (environmentId: string, id: string) => {
    if (!organizationExists(environmentId, id)) throw notFound('Organization', id);
  };

  const create = db.transaction((environmentId: string, organizationId: string, body: CreateOrganizationApiKeyDto) => {
    requireOrganization(environmentId, organizationId);
    const now = clock.now(environmentId);
    // 0.61.0: "Must be a future timestamp." Stored in the API's form (ISO with ms, Z).
    const expiresAt = body.expires_at === undefined ? null : new Date(body.expires_at).toISOString();
    if (expiresAt !== null && expiresAt <= now) {
      throw invalidParameters([{ field: 'expires_at', code: 'expires_at_in_past', message: 'must be a future timestamp' }], 422);
    }
    const value = newApiKeyValue();
    const key = apiKeyRecord(organizationId, { name: body.name, value, permissions: body.permissions, expires_at: expiresAt }, now);
    store.insert(environmentId, key);
    return { key, value };
  });

  const validate = db.transaction((environmentId: string, value: string): ApiKey | null => {
    const key = store.byValueHash(environmentId, hashApiKeyValue(value));
    const now = clock.now(environmentId);
    // An expired key is no longer valid: it validates like an unknown one.
    if (!key || (key.expires_at !== null && key.expires_at <= now)) return null;
    // Validating is how an application uses the key, so it counts as a use (not as an update).
    store.markUsed(environmentId, key.id, now);
    return { ...key, last_used_at: now };
  });

  return {
    list(environmentId, organizationId, query) {
      requireOrganization(environmentId, organizationId);
      const req = pageRequest(query, ID_PREFIXES.apiKey, (id) => store.sortKey(environmentId, id));
      return toPage(req, store.listOf(environmentId, organizationId, req));
    },
    create,
    validate,
    delete(environmentId, id) {
      if (!store.byId(environmentId, id)) throw notFound('API key', id);
      store.delete(environmentId, id);
    },
  };
}

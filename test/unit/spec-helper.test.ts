import { describe, expect, it } from 'vitest';
import { responseValidator, SPEC_010_FIELDS, SPEC_061_ADDITIONS } from '../helpers/spec.js';

// The spec writes some list responses as allOf: [{object, list_metadata}, {data}]; the closed 2xx
// schema must accept the whole envelope yet still reject a leaked field at either level.
describe('expectSpec on allOf responses', () => {
  const validate = responseValidator('UserlandUserOrganizationMembershipsController_list', 200)!;
  const envelope = () => ({ object: 'list', data: [] as object[], list_metadata: { before: null, after: null } });
  const user = {
    object: 'user',
    id: 'user_1',
    first_name: null,
    last_name: null,
    profile_picture_url: null,
    email: 'a@b.co',
    email_verified: false,
    external_id: null,
    last_sign_in_at: null,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
  };
  const item = {
    object: 'organization_membership',
    id: 'om_1',
    user_id: 'user_1',
    organization_id: 'org_1',
    status: 'active',
    directory_managed: false,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    role: { slug: 'member' },
    roles: [{ slug: 'member' }],
    user,
  };

  it('accepts the list envelope, empty or with an item', () => {
    expect(validate(envelope())).toBe(true);
    expect(validate({ ...envelope(), data: [item] })).toBe(true);
  });

  it('rejects an unknown top-level field', () => {
    expect(validate({ ...envelope(), leaked: 1 })).toBe(false);
  });

  it('rejects an unknown field inside an item or its embedded user', () => {
    expect(validate({ ...envelope(), data: [{ ...item, environment_id: 'env' }] })).toBe(false);
    expect(validate({ ...envelope(), data: [{ ...item, user: { ...user, password: 'x' } }] })).toBe(false);
  });
});

// The ledger of what 0.61.0 adds: exactly those fields pass the closed 0.1.0 schemas, nothing more.
describe('SPEC_061_ADDITIONS', () => {
  const key = {
    object: 'api_key',
    id: 'api_key_1',
    owner: { type: 'organization', id: 'org_1' },
    name: 'k',
    obfuscated_value: 'sk_…abcd',
    last_used_at: null,
    permissions: [],
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
  };
  const list = (item: object) => ({ object: 'list', data: [item], list_metadata: { before: null, after: null } });
  const validate = responseValidator('OrganizationApiKeysController_list', 200)!;

  it('accepts a ledger field with the type 0.61.0 gives it, and still rejects any other field', () => {
    expect(validate(list(key))).toBe(true);
    expect(validate(list({ ...key, expires_at: null }))).toBe(true);
    expect(validate(list({ ...key, expires_at: '2030-01-01T00:00:00.000Z' }))).toBe(true);
    expect(validate(list({ ...key, expires_at: 5 }))).toBe(false);
    expect(validate(list({ ...key, leaked: true }))).toBe(false);
  });

  it('names only components and fields that exist in 0.1.0 without the field', () => {
    for (const [component, fields] of Object.entries(SPEC_061_ADDITIONS)) {
      const own = SPEC_010_FIELDS.get(component)!;
      for (const field of Object.keys(fields)) expect(own.has(field), `${component}.${field}`).toBe(false);
    }
  });
});

// A union inside an allOf member (ConnectApplication's oauth/m2m branches) stays open while the
// allOf is closed as a whole: each branch validates, a leaked field still fails.
describe('expectSpec on unions inside allOf', () => {
  const validate = responseValidator('AuthorizedApplicationsController_list', 200)!;
  const base = { object: 'connect_application', id: 'a', client_id: 'c', description: null, name: 'n', scopes: [], created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' };
  const wrap = (application: object) => ({
    object: 'list',
    data: [{ object: 'authorized_connect_application', id: 'x', granted_scopes: [], application }],
    list_metadata: { before: null, after: null },
  });

  it('accepts each shape and rejects a leaked field', () => {
    expect(validate(wrap({ ...base, application_type: 'm2m', organization_id: 'org_1' }))).toBe(true);
    expect(validate(wrap({ ...base, application_type: 'oauth', redirect_uris: [], uses_pkce: false, is_first_party: true }))).toBe(true);
    expect(validate(wrap({ ...base, application_type: 'm2m', organization_id: 'org_1', leaked: 1 }))).toBe(false);
    expect(validate(wrap({ ...base, application_type: 'm2m' }))).toBe(false);
  });
});

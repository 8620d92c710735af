import { describe, expect, it } from 'vitest';
import { responseValidator } from '../helpers/spec.js';

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

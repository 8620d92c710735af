import { describe, expect, it } from 'vitest';
import { effectivePermissions, isAuthorized, type AccessFacts, type Grant } from '../../src/modules/authorization/evaluate.js';

// org ─ workspace ─ project ─ app; a sibling project beside it.
const CHAIN_APP = ['app', 'project', 'workspace', 'org'];
const CHAIN_SIBLING = ['sibling', 'workspace', 'org'];
const ROLES: Record<string, string[]> = {
  member: ['org:view'],
  admin: ['org:view', 'app:deploy', 'project:edit'],
  'workspace-admin': ['project:edit', 'app:deploy'],
  'project-viewer': ['project:view'],
  empty: [],
};

function facts(grants: Grant[], chain = CHAIN_APP, active = true, roles = ROLES): AccessFacts {
  return { active, chain, grants, permissionsOf: (slug) => roles[slug] };
}
const primary = (slug: string): Grant => ({ role_slug: slug, resource_id: 'org' });

describe('isAuthorized', () => {
  it.each([
    ['direct: a role on the resource itself grants', facts([primary('member'), { role_slug: 'project-viewer', resource_id: 'app' }]), 'project:view', true],
    ['inherited from the parent', facts([primary('member'), { role_slug: 'workspace-admin', resource_id: 'project' }]), 'app:deploy', true],
    ['inherited from two levels up', facts([primary('member'), { role_slug: 'workspace-admin', resource_id: 'workspace' }]), 'app:deploy', true],
    ["through the membership's own role on the organization", facts([primary('admin')]), 'app:deploy', true],
    ['a role below the resource does not flow up', facts([primary('member'), { role_slug: 'workspace-admin', resource_id: 'app' }], ['project', 'workspace', 'org']), 'project:edit', false],
    ['a role on a sibling does not count', facts([primary('member'), { role_slug: 'workspace-admin', resource_id: 'sibling' }]), 'app:deploy', false],
    ['a role without the permission does not grant it', facts([primary('member'), { role_slug: 'project-viewer', resource_id: 'workspace' }]), 'app:deploy', false],
    ['a role whose permissions were emptied (revoked) grants nothing', facts([primary('member'), { role_slug: 'empty', resource_id: 'app' }]), 'project:view', false],
    ['a removed assignment (revoked) no longer grants', facts([primary('member')]), 'app:deploy', false],
    ['a role the organization no longer knows grants nothing', facts([primary('member'), { role_slug: 'deleted', resource_id: 'app' }]), 'app:deploy', false],
    ['an inactive membership holds nothing', facts([primary('admin')], CHAIN_APP, false), 'org:view', false],
    ['a permission no role grants', facts([primary('admin')]), 'nothing:here', false],
    ['the sibling inherits from the shared workspace', facts([primary('member'), { role_slug: 'workspace-admin', resource_id: 'workspace' }], CHAIN_SIBLING), 'project:edit', true],
  ])('%s', (_name, f, permission, expected) => {
    expect(isAuthorized(f, permission)).toBe(expected);
  });

  it('revoking a permission from a role takes effect at the next check', () => {
    const roles = { ...ROLES, 'workspace-admin': ['project:edit', 'app:deploy'] };
    const f = facts([primary('member'), { role_slug: 'workspace-admin', resource_id: 'workspace' }], CHAIN_APP, true, roles);
    expect(isAuthorized(f, 'app:deploy')).toBe(true);
    roles['workspace-admin'] = ['project:edit'];
    expect(isAuthorized(f, 'app:deploy')).toBe(false);
  });
});

describe('effectivePermissions', () => {
  it('unites the permissions of every role on the path, once each', () => {
    const f = facts([primary('member'), { role_slug: 'workspace-admin', resource_id: 'workspace' }, { role_slug: 'admin', resource_id: 'sibling' }]);
    expect(effectivePermissions(f).sort()).toEqual(['app:deploy', 'org:view', 'project:edit']);
    expect(effectivePermissions(facts([primary('admin')], CHAIN_APP, false))).toEqual([]);
  });
});

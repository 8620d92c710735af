import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import {
  evaluateForOrganization,
  evaluateForUser,
  exceptionsForOrganization,
  exceptionsForUser,
  type FlagState,
  type TargetFact,
} from '../../src/modules/feature-flags/evaluate.js';
import { createFlagService } from '../../src/modules/feature-flags/service.js';
import { createFlagstand, type Flagstand } from '../../src/server.js';

const OFF: FlagState = { enabled: false, default_value: false };
const OFF_DEFAULT_ON: FlagState = { enabled: false, default_value: true };
const ON_DEFAULT_OFF: FlagState = { enabled: true, default_value: false };
const ON_DEFAULT_ON: FlagState = { enabled: true, default_value: true };

describe('evaluateForOrganization', () => {
  it.each([
    ['disabled flag, org targeted on', OFF, true, false],
    ['disabled flag defaulting on, no target', OFF_DEFAULT_ON, undefined, false],
    ['default off, no target', ON_DEFAULT_OFF, undefined, false],
    ['default on, no target', ON_DEFAULT_ON, undefined, true],
    ['default off, targeted on', ON_DEFAULT_OFF, true, true],
    ['default on, explicitly off', ON_DEFAULT_ON, false, false],
    ['default off, explicitly off', ON_DEFAULT_OFF, false, false],
    ['default on, targeted on', ON_DEFAULT_ON, true, true],
  ] as const)('%s → %s', (_name, flag, target, expected) => {
    expect(evaluateForOrganization(flag, target)).toBe(expected);
  });
});

describe('evaluateForUser', () => {
  it.each([
    // A disabled flag is off whatever the targets say.
    ['disabled, user on', OFF, true, [], false],
    ['disabled defaulting on, org on', OFF_DEFAULT_ON, undefined, [true], false],
    // No targets anywhere: the default.
    ['default off, no memberships', ON_DEFAULT_OFF, undefined, [], false],
    ['default on, no memberships', ON_DEFAULT_ON, undefined, [], true],
    ['default off, untargeted orgs', ON_DEFAULT_OFF, undefined, [undefined, undefined], false],
    ['default on, untargeted orgs', ON_DEFAULT_ON, undefined, [undefined, undefined], true],
    // The user's own target decides before any organization.
    ['user on beats default off', ON_DEFAULT_OFF, true, [], true],
    ['user off beats default on', ON_DEFAULT_ON, false, [], false],
    ['user on beats orgs off', ON_DEFAULT_OFF, true, [false, false], true],
    ['user off beats an org on', ON_DEFAULT_OFF, false, [true], false],
    ['user off beats org on and default on', ON_DEFAULT_ON, false, [true, undefined], false],
    // Organizations: on when the flag is on for any of them, each deciding by its target or the default.
    ['one org on', ON_DEFAULT_OFF, undefined, [true], true],
    ['one org explicitly off, default on', ON_DEFAULT_ON, undefined, [false], false],
    ['orgs on and off', ON_DEFAULT_OFF, undefined, [false, true], true],
    ['org off and untargeted org, default on', ON_DEFAULT_ON, undefined, [false, undefined], true],
    ['org off and untargeted org, default off', ON_DEFAULT_OFF, undefined, [false, undefined], false],
    ['every org off, default on', ON_DEFAULT_ON, undefined, [false, false], false],
    ['org on among untargeted, default off', ON_DEFAULT_OFF, undefined, [undefined, true, undefined], true],
  ] as const)('%s → %s', (_name, flag, user, orgs, expected) => {
    expect(evaluateForUser(flag, user, orgs)).toBe(expected);
  });
});

const fact = (flag_id: string, resource_id: string, enabled: boolean, default_value: boolean): TargetFact => ({
  flag_id,
  resource_id,
  enabled,
  default_value,
});

describe('exceptionsForOrganization', () => {
  it.each([
    ['no targets', [], { on: [], off: [] }],
    ['target on a default-off flag turns it on', [fact('f1', 'org_a', true, false)], { on: ['f1'], off: [] }],
    ['target off a default-on flag turns it off', [fact('f1', 'org_a', false, true)], { on: [], off: ['f1'] }],
    ['target agreeing with the default changes nothing', [fact('f1', 'org_a', true, true), fact('f2', 'org_a', false, false)], { on: [], off: [] }],
    [
      'several flags',
      [fact('f1', 'org_a', true, false), fact('f2', 'org_a', false, true), fact('f3', 'org_a', true, false)],
      { on: ['f1', 'f3'], off: ['f2'] },
    ],
  ] as const)('%s', (_name, targets, expected) => {
    const got = exceptionsForOrganization(targets);
    expect({ on: [...got.on].sort(), off: [...got.off].sort() }).toEqual(expected);
  });
});

describe('exceptionsForUser', () => {
  const U = 'user_u';
  it.each([
    ['no targets', [], [], { on: [], off: [] }],
    ['own target on', [fact('f1', U, true, false)], [], { on: ['f1'], off: [] }],
    ['own target off', [fact('f1', U, false, true)], ['org_a'], { on: [], off: ['f1'] }],
    ['own off beats org on', [fact('f1', U, false, false), fact('f1', 'org_a', true, false)], ['org_a'], { on: [], off: [] }],
    ['own off beats org on, default on', [fact('f1', U, false, true), fact('f1', 'org_a', true, true)], ['org_a'], { on: [], off: ['f1'] }],
    ['own on beats org off', [fact('f1', U, true, true), fact('f1', 'org_a', false, true)], ['org_a'], { on: [], off: [] }],
    ['org on', [fact('f1', 'org_a', true, false)], ['org_a'], { on: ['f1'], off: [] }],
    ['only org explicitly off', [fact('f1', 'org_a', false, true)], ['org_a'], { on: [], off: ['f1'] }],
    ['org off, other org untargeted, default on', [fact('f1', 'org_a', false, true)], ['org_a', 'org_b'], { on: [], off: [] }],
    ['orgs mixed', [fact('f1', 'org_a', false, false), fact('f1', 'org_b', true, false)], ['org_a', 'org_b'], { on: ['f1'], off: [] }],
    ['both orgs off, default on', [fact('f1', 'org_a', false, true), fact('f1', 'org_b', false, true)], ['org_a', 'org_b'], { on: [], off: ['f1'] }],
  ] as const)('%s', (_name, targets, orgs, expected) => {
    const got = exceptionsForUser(targets, U, orgs);
    expect({ on: [...got.on].sort(), off: [...got.off].sort() }).toEqual(expected);
  });
});

// Memberships reach evaluation only through the service, which must count active ones alone.
describe('flag service: memberships by status', () => {
  let flagstand: Flagstand | undefined;
  afterEach(async () => {
    await flagstand?.app.close();
    flagstand = undefined;
  });

  const USER = 'user_01HX0000000000000000000001';
  const orgId = (n: number) => `org_01HX00000000000000000000${String(n).padStart(2, '0')}`;

  it.each([
    ['active', ['on-for-org']],
    ['inactive', ['off-for-org']],
    ['pending', ['off-for-org']],
  ] as const)('a %s membership gives the user %j', async (status, expected) => {
    flagstand = await createFlagstand({
      logLevel: 'silent',
      seed: {
        organizations: [{ id: orgId(1), name: 'One' }],
        users: [{ id: USER, email: 'u@example.com' }],
        organization_memberships: [{ user_id: USER, organization_id: orgId(1), status }],
        feature_flags: [
          { slug: 'on-for-org', enabled: true, targets: [orgId(1)] },
          { slug: 'untargeted', enabled: true },
          { slug: 'off-for-org', enabled: true, default_value: true, targets: [{ id: orgId(1), enabled: false }] },
        ],
      },
    });
    const { db, stores } = flagstand;
    const service = createFlagService(
      db,
      stores.flags,
      {
        organizationExists: stores.organizations.exists,
        userExists: stores.users.exists,
        activeOrganizationIds: stores.memberships.activeOrganizationIds,
      },
      fixedClock('2026-01-01T00:00:00.000Z'),
    );
    const envId = flagstand.environments[0].id;
    const page = service.listForUser(envId, USER, { limit: 10, order: 'desc' });
    expect(page.rows.map((f) => f.slug)).toEqual(expected);
  });
});

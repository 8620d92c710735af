import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import {
  evaluate,
  evaluateForSubject,
  exceptionsFor,
  listedFor,
  organizationContexts,
  userContexts,
  type EvalContext,
  type EvalRule,
  type FlagState,
  type MembershipFact,
} from '../../src/modules/feature-flags/evaluate.js';
import { createRuleService } from '../../src/modules/feature-flags/rule-service.js';
import { createFlagService } from '../../src/modules/feature-flags/service.js';
import { createFlagstand, type Flagstand } from '../../src/server.js';

const OFF: FlagState = { enabled: false, default_value: false, off_value: false };
const OFF_DEFAULT_ON: FlagState = { enabled: false, default_value: true, off_value: false };
const ON_DEFAULT_OFF: FlagState = { enabled: true, default_value: false, off_value: false };
const ON_DEFAULT_ON: FlagState = { enabled: true, default_value: true, off_value: false };

const rule = (id: string, target_type: string, value: boolean, members: string[]): EvalRule => ({ id, target_type, value, members });
const U = 'user_1';
const O = 'org_1';
// The SDK's README/spec fixture: an organization exclusion before a user inclusion.
const EXCLUDE_ORG = rule('r_org_off', 'organization', false, [O]);
const INCLUDE_USER = rule('r_user_on', 'user', true, [U]);

describe('evaluate (workos-node 12 Evaluator semantics)', () => {
  it.each<[string, FlagState, EvalRule[], EvalContext, boolean, string]>([
    // Disabled: off_value, whatever matches.
    ['disabled, user a member of a true rule', OFF, [INCLUDE_USER], { user: U }, false, 'flag_disabled'],
    ['disabled, default on', OFF_DEFAULT_ON, [], {}, false, 'flag_disabled'],
    ['disabled serves off_value even when true', { ...OFF, off_value: true }, [], {}, true, 'flag_disabled'],
    // No rule matches: the default.
    ['no rules, default off', ON_DEFAULT_OFF, [], { user: U }, false, 'default'],
    ['no rules, default on', ON_DEFAULT_ON, [], { user: U }, true, 'default'],
    ['empty context', ON_DEFAULT_OFF, [INCLUDE_USER], {}, false, 'default'],
    ['id of another type does not match', ON_DEFAULT_OFF, [rule('r', 'organization', true, [U])], { user: U }, false, 'default'],
    ['ids match exactly, case-sensitive', ON_DEFAULT_OFF, [rule('r', 'user', true, ['USER_1'])], { user: U }, false, 'default'],
    ['empty rule never matches', ON_DEFAULT_ON, [rule('r', 'user', false, [])], { user: U }, true, 'default'],
    // A match serves its value: inclusion and exclusion.
    ['inclusion', ON_DEFAULT_OFF, [INCLUDE_USER], { user: U }, true, 'rule_match'],
    ['exclusion of a default-on flag', ON_DEFAULT_ON, [EXCLUDE_ORG], { organization: O }, false, 'rule_match'],
    // First match wins: order decides.
    ['exclusion before inclusion → false', ON_DEFAULT_OFF, [EXCLUDE_ORG, INCLUDE_USER], { user: U, organization: O }, false, 'rule_match'],
    ['inclusion before exclusion → true', ON_DEFAULT_OFF, [INCLUDE_USER, EXCLUDE_ORG], { user: U, organization: O }, true, 'rule_match'],
    ['a non-matching earlier rule is skipped', ON_DEFAULT_OFF, [EXCLUDE_ORG, INCLUDE_USER], { user: U, organization: 'org_2' }, true, 'rule_match'],
    // Custom types match like any other, by their slug.
    ['custom type member', ON_DEFAULT_OFF, [rule('r', 'workspace', true, ['ws_1'])], { workspace: 'ws_1' }, true, 'rule_match'],
    ['custom type, other id', ON_DEFAULT_OFF, [rule('r', 'workspace', true, ['ws_1'])], { workspace: 'ws_2' }, false, 'default'],
    ['custom exclusion before user inclusion', ON_DEFAULT_OFF, [rule('w', 'workspace', false, ['ws_1']), INCLUDE_USER], { user: U, workspace: 'ws_1' }, false, 'rule_match'],
    ['inherited object keys are not types', ON_DEFAULT_OFF, [rule('r', 'constructor', true, ['x'])], {}, false, 'default'],
  ])('%s', (_name, flag, rules, context, value, reason) => {
    const got = evaluate(flag, rules, context);
    expect(got.value).toBe(value);
    expect(got.reason).toBe(reason);
  });

  it('names the matching rule', () => {
    expect(evaluate(ON_DEFAULT_OFF, [EXCLUDE_ORG, INCLUDE_USER], { user: U })).toEqual({ value: true, reason: 'rule_match', rule_id: 'r_user_on' });
  });
});

describe('the REST lists\' contexts', () => {
  it('an organization is evaluated alone; custom types never appear', () => {
    expect(organizationContexts(O)).toEqual([{ organization: O }]);
  });
  it('a user is evaluated with each active organization, or alone', () => {
    expect(userContexts(U, [])).toEqual([{ user: U }]);
    expect(userContexts(U, [O, 'org_2'])).toEqual([{ user: U, organization: O }, { user: U, organization: 'org_2' }]);
  });
  it.each<[string, FlagState, EvalRule[], string[], boolean]>([
    ['on when on in any organization', ON_DEFAULT_OFF, [rule('r', 'organization', true, ['org_2'])], [O, 'org_2'], true],
    ['an excluded organization does not hide a default-on flag given another organization', ON_DEFAULT_ON, [EXCLUDE_ORG], [O, 'org_2'], true],
    ['every organization excluded', ON_DEFAULT_ON, [rule('r', 'organization', false, [O, 'org_2'])], [O, 'org_2'], false],
    ['a user rule first decides in every context', ON_DEFAULT_ON, [rule('u', 'user', false, [U]), rule('o', 'organization', true, [O])], [O], false],
    ['an organization rule first decides before the user rule', ON_DEFAULT_OFF, [rule('o', 'organization', true, [O]), rule('u', 'user', false, [U])], [O], true],
    ['no organizations: the user alone', ON_DEFAULT_OFF, [INCLUDE_USER, EXCLUDE_ORG], [], true],
    ['custom rules never match a REST subject', ON_DEFAULT_OFF, [rule('w', 'workspace', true, [U, O])], [O], false],
  ])('%s', (_name, flag, rules, orgs, expected) => {
    expect(evaluateForSubject(flag, rules, userContexts(U, orgs))).toBe(expected);
  });
});

describe('exceptionsFor: the subject\'s memberships give what the full rule list gives', () => {
  const fact = (flag_id: string, rule_id: string, target_type: string, target_id: string, position: number, value: boolean, default_value: boolean): MembershipFact => ({
    flag_id,
    rule_id,
    target_type,
    target_id,
    position,
    value,
    default_value,
  });
  it.each<[string, MembershipFact[], EvalContext[], { on: string[]; off: string[] }]>([
    ['no memberships', [], organizationContexts(O), { on: [], off: [] }],
    ['a true rule turns a default-off flag on', [fact('f1', 'r1', 'organization', O, 0, true, false)], organizationContexts(O), { on: ['f1'], off: [] }],
    ['a false rule turns a default-on flag off', [fact('f1', 'r1', 'organization', O, 0, false, true)], organizationContexts(O), { on: [], off: ['f1'] }],
    ['agreeing with the default changes nothing', [fact('f1', 'r1', 'organization', O, 0, true, true)], organizationContexts(O), { on: [], off: [] }],
    [
      'the lower position wins (organization exclusion first)',
      [fact('f1', 'ru', 'user', U, 3, true, false), fact('f1', 'ro', 'organization', O, 1, false, false)],
      userContexts(U, [O]),
      { on: [], off: [] },
    ],
    [
      'the lower position wins (user inclusion first)',
      [fact('f1', 'ru', 'user', U, 0, true, false), fact('f1', 'ro', 'organization', O, 1, false, false)],
      userContexts(U, [O]),
      { on: ['f1'], off: [] },
    ],
    [
      'several flags',
      [fact('f1', 'a', 'organization', O, 0, true, false), fact('f2', 'b', 'organization', O, 0, false, true), fact('f3', 'c', 'organization', O, 2, true, false)],
      organizationContexts(O),
      { on: ['f1', 'f3'], off: ['f2'] },
    ],
  ])('%s', (_name, facts, contexts, expected) => {
    const got = exceptionsFor(facts, contexts);
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
    const directory = {
      organizationExists: stores.organizations.exists,
      userExists: stores.users.exists,
      activeOrganizationIds: stores.memberships.activeOrganizationIds,
    };
    const clock = fixedClock('2026-01-01T00:00:00.000Z');
    const rules = createRuleService(db, stores.flags, stores.rules, directory, clock, () => 'environment_x');
    const service = createFlagService(db, stores.flags, stores.rules, rules, directory, clock);
    const envId = flagstand.environments[0].id;
    const page = service.listForUser(envId, USER, { limit: 10, order: 'desc' });
    expect(page.rows.map((f) => f.slug)).toEqual(expected);
  });
});

describe('listedFor: a flag is in a subject\'s list when enabled and on for it', () => {
  const flag = (enabled: boolean, default_value: boolean) => ({ id: 'flag_a', enabled, default_value });
  it.each<[string, { enabled: boolean; default_value: boolean }, { on: string[]; off: string[] }, boolean]>([
    ['disabled, on by default', flag(false, true), { on: [], off: [] }, false],
    ['disabled, turned on', flag(false, false), { on: ['flag_a'], off: [] }, false],
    ['enabled, on by default', flag(true, true), { on: [], off: [] }, true],
    ['enabled, on by default, turned off', flag(true, true), { on: [], off: ['flag_a'] }, false],
    ['enabled, on by default, another flag turned off', flag(true, true), { on: [], off: ['flag_b'] }, true],
    ['enabled, off by default', flag(true, false), { on: [], off: [] }, false],
    ['enabled, off by default, turned on', flag(true, false), { on: ['flag_a'], off: [] }, true],
    ['enabled, off by default, another flag turned on', flag(true, false), { on: ['flag_b'], off: [] }, false],
  ])('%s', (_, state, exceptions, expected) => {
    expect(listedFor(exceptions)({ id: 'flag_a', ...state })).toBe(expected);
  });
});

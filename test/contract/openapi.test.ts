import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderOpenApi } from '../../scripts/render-openapi.js';
import { clientOperation } from '../helpers/launchdarkly-models.js';
import { operations } from '../helpers/spec.js';

const committed = readFileSync(new URL('../../openapi/flagstand.json', import.meta.url), 'utf8');
type Doc = { paths: Record<string, Record<string, { operationId?: string; tags?: string[] }>> };

// Routes that exist only in flagstand (no WorkOS operation to match): the runtime client's poll
// (not in the public spec) and flagstand's own admin routes.
const FLAGSTAND_ONLY = /^Flagstand/;
// The LaunchDarkly dialect: checked against the official LaunchDarkly client instead.
const LAUNCHDARKLY = /^LaunchDarkly_(\w+)$/;

// WorkOS routes no released spec has yet: the rules API, at the verb and path workos-node 12.3.0
// sends for each method (`FeatureFlags` in its lib/, e.g. `this.workos.post("/flag_rules", …)`).
const WORKOS_NODE_12: Record<string, string> = {
  WorkosNode12_createFlagRule: 'POST /flag_rules',
  WorkosNode12_listFlagRules: 'GET /flag_rules',
  WorkosNode12_getFlagRule: 'GET /flag_rules/{id}',
  WorkosNode12_deleteFlagRule: 'DELETE /flag_rules/{id}',
  WorkosNode12_createFlagTarget: 'POST /flag_targets',
  WorkosNode12_listFlagTargets: 'GET /flag_targets',
  WorkosNode12_getFlagTarget: 'GET /flag_targets/{id}',
  WorkosNode12_deleteFlagTarget: 'DELETE /flag_targets/{id}',
};

// A WorkOS route in no released spec that the official WorkOS CLI (npm `workos` 0.14.0) sends:
// `client.homepageUrl.set` in its dist/lib/workos-client.js (`method: 'PUT', path: '/user_management/app_homepage_url'`).
const WORKOS_CLI: Record<string, string> = {
  WorkosCli_setAppHomepageUrl: 'PUT /user_management/app_homepage_url',
};

describe('openapi/flagstand.json', () => {
  it('is up to date with the route schemas (run `npm run gen:openapi` when this fails)', async () => {
    expect(await renderOpenApi()).toBe(committed);
  });

  it('gives every WorkOS route the verb and path of the official spec, so no alias can exist', () => {
    const doc = JSON.parse(committed) as Doc;
    const served: string[] = [];
    const sdkOnly = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect(op.operationId, `${method} ${path} has no operationId`).toBeTruthy();
        if (FLAGSTAND_ONLY.test(op.operationId!) || LAUNCHDARKLY.test(op.operationId!)) continue;
        if (op.operationId! in WORKOS_CLI) {
          expect(`${method.toUpperCase()} ${path}`).toBe(WORKOS_CLI[op.operationId!]);
          sdkOnly.add(op.operationId!);
          continue;
        }
        if (op.operationId! in WORKOS_NODE_12) {
          expect(`${method.toUpperCase()} ${path}`).toBe(WORKOS_NODE_12[op.operationId!]);
          sdkOnly.add(op.operationId!);
          continue;
        }
        const official = operations.get(op.operationId!);
        expect(official, `${op.operationId} is not an operation of the official spec`).toBeDefined();
        expect(`${method.toUpperCase()} ${path}`).toBe(`${official!.method.toUpperCase()} ${official!.path}`);
        served.push(op.operationId!);
      }
    }
    expect(served.length).toBeGreaterThanOrEqual(8);
    expect([...sdkOnly].sort()).toEqual([...Object.keys(WORKOS_NODE_12), ...Object.keys(WORKOS_CLI)].sort());
  });

  it('gives every LaunchDarkly route the verb and path of the official LaunchDarkly client', () => {
    const doc = JSON.parse(committed) as Doc;
    const served: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const name = LAUNCHDARKLY.exec(op.operationId!)?.[1];
        if (!name) continue;
        expect(`${method.toUpperCase()} ${path}`).toBe(Object.values(clientOperation(name)).join(' '));
        served.push(name);
      }
    }
    expect(served.sort()).toEqual([
      'getExpiringFlagsForUser',
      'getFeatureFlag',
      'getUserFlagSetting',
      'getUserFlagSettings',
      'patchExpiringFlagsForUser',
      'putFlagSetting',
    ]);
  });

  it('serves all eight Feature Flags operations of the official spec', () => {
    const doc = JSON.parse(committed) as Doc;
    const ours = new Set(Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId)));
    const flagOps = [...operations.values()].filter((op) => op.path.includes('feature-flags')).map((op) => op.operationId);
    expect(flagOps).toHaveLength(8);
    for (const id of flagOps) expect(ours.has(id), id).toBe(true);
  });
});

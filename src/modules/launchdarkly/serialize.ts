import type { TargetExpiry } from '../expiry-sweeper/store.js';
import type { Flag } from '../feature-flags/store.js';
import type { ExpiringUserTargetItemBody, LaunchDarklyFlagBody, UserFlagSettingBody } from './schemas.js';
import type { FlagSetting, PatchOutcome } from './service.js';
import { variationId } from './variation-ids.js';

// Rows → LaunchDarkly's wire objects, every field listed. Links echo the keys the caller used.

const JSON_TYPE = 'application/json';
const link = (...segments: string[]) => ({ href: `/api/v2/${segments.map(encodeURIComponent).join('/')}`, type: JSON_TYPE });

export interface UserPath {
  projectKey: string;
  environmentKey: string;
  userKey: string;
}

export function serializeSetting(path: UserPath, s: FlagSetting): UserFlagSettingBody {
  return {
    _links: { self: link('users', path.projectKey, path.environmentKey, path.userKey, 'flags', s.flag.slug) },
    _value: s.value,
    setting: s.setting,
  };
}

export function serializeSettings(path: UserPath, settings: FlagSetting[]) {
  const items: Record<string, UserFlagSettingBody> = {};
  for (const s of settings) items[s.flag.slug] = serializeSetting(path, s);
  return { items, _links: { self: link('users', path.projectKey, path.environmentKey, path.userKey, 'flags') } };
}

/**
 * A boolean flag as LaunchDarkly's FeatureFlag: its required fields. Variation 0 serves true,
 * variation 1 false (LaunchDarkly's order for a new boolean flag), with computable ids.
 */
export function serializeFlag(projectKey: string, flag: Flag): LaunchDarklyFlagBody {
  return {
    name: flag.name,
    kind: 'boolean',
    description: flag.description ?? '',
    key: flag.slug,
    _version: 1,
    creationDate: Date.parse(flag.created_at),
    variations: [
      { _id: variationId(flag.slug, true), value: true, name: 'true' },
      { _id: variationId(flag.slug, false), value: false, name: 'false' },
    ],
    temporary: false,
    tags: flag.tags,
    _links: { parent: link('flags', projectKey), self: link('flags', projectKey, flag.slug) },
    experiments: { baselineIdx: 0, items: [] },
    customProperties: {},
    archived: false,
    deprecated: false,
    defaults: { onVariation: 0, offVariation: 1 },
  };
}

/** An expiring target as LaunchDarkly's ExpiringUserTargetItem; `_id` is the target's membership id. */
export function serializeExpiry(path: UserPath, e: TargetExpiry): ExpiringUserTargetItemBody {
  return {
    _id: e.id,
    _version: e.version,
    expirationDate: Date.parse(e.expires_at),
    userKey: path.userKey,
    variationId: variationId(e.slug, e.value),
    _resourceId: { kind: 'flag', projectKey: path.projectKey, environmentKey: path.environmentKey, flagKey: e.slug, key: e.slug },
  };
}

const expiringLinks = (path: UserPath) => ({
  self: link('users', path.projectKey, path.userKey, 'expiring-user-targets', path.environmentKey),
});

export function serializeExpiring(path: UserPath, items: TargetExpiry[]) {
  return { items: items.map((e) => serializeExpiry(path, e)), _links: expiringLinks(path) };
}

/** spec: the PATCH answer counts its instructions and lists the failed ones. */
export function serializePatchOutcome(path: UserPath, total: number, outcome: PatchOutcome) {
  return {
    items: outcome.items.map((e) => serializeExpiry(path, e)),
    _links: expiringLinks(path),
    totalInstructions: total,
    successfulInstructions: total - outcome.errors.length,
    failedInstructions: outcome.errors.length,
    errors: outcome.errors,
  };
}

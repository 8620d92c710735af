import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import { expectSpec, spec, specSchemaValidator } from './spec.js';

type Json = Record<string, any>;

// The spec's EventSchema is allOf [common fields, oneOf one schema per event type]. Each branch
// lists every field of its event (object, id, event, data, created_at, context), so an event is
// checked against its own branch, closed: a field the spec does not list fails.
const branches = new Map<string, Json>();
for (const branch of (spec.components.schemas.EventSchema as Json).allOf[1].oneOf as Json[]) {
  branches.set(branch.properties.event.const, branch);
}

/**
 * Known gaps of the spec, patched before checking (a ledger, not a loophole): the flag.* data
 * schemas require `description` without listing it among their properties, so no object could
 * pass them closed. The Flag schema's own `description` (string or null) is added.
 */
function patched(type: string, branch: Json): Json {
  if (!type.startsWith('flag.')) return branch;
  const data = branch.properties.data;
  return {
    ...branch,
    properties: { ...branch.properties, data: { ...data, properties: { ...data.properties, description: { type: ['string', 'null'] } } } },
  };
}

// SDK 12's feature_flags.* events, which no released spec describes: their shapes written out
// from workos-node 12.3.0's typings (FeatureFlagsFlag*EventResponse, FeatureFlagsFlagRule*,
// FeatureFlagsFlagTarget*; factory-*.d.mts), closed like the spec's branches.
const ISO = { type: 'string', format: 'date-time' };
const closed = (properties: Json, required = Object.keys(properties)) => ({ type: 'object', properties, required, additionalProperties: false });
const nullable = (schema: Json) => ({ anyOf: [schema, { type: 'null' }] });
const owner = nullable(closed({ email: { type: 'string' }, first_name: nullable({ type: 'string' }), last_name: nullable({ type: 'string' }) }));
const flagFields = {
  object: { const: 'feature_flag' },
  id: { type: 'string' },
  environment_id: { type: 'string' },
  slug: { type: 'string' },
  name: { type: 'string' },
  description: nullable({ type: 'string' }),
  owner,
  tags: { type: 'array', items: { type: 'string' } },
  enabled: { type: 'boolean' },
  default_value: { type: 'boolean' },
  created_at: ISO,
  updated_at: ISO,
};
const flagData = closed(flagFields);
const actor = closed({ id: { type: 'string' }, source: { enum: ['api', 'dashboard', 'admin_portal', 'system'] }, name: nullable({ type: 'string' }) });
const flagContext = closed({ client_id: { type: 'string' }, actor });
const ruleData = closed({
  object: { const: 'flag_rule' },
  id: { type: 'string' },
  flag_id: { type: 'string' },
  flag_slug: { type: 'string' },
  environment_id: { type: 'string' },
  target_type: nullable({ type: 'string' }),
  position: { type: 'number' },
  value_type: { const: 'boolean' },
  value: { type: 'boolean' },
  created_at: ISO,
  updated_at: ISO,
});
const targetFields = {
  object: { const: 'flag_target' },
  id: { type: 'string' },
  flag_id: { type: 'string' },
  flag_slug: { type: 'string' },
  environment_id: { type: 'string' },
  target_type: { type: 'string' },
  target_id: { type: 'string' },
  created_at: ISO,
  updated_at: ISO,
};
const targetData = { anyOf: [closed({ ...targetFields, rule_id: { type: 'string' } }), closed({ ...targetFields, value_type: { const: 'boolean' }, value: { type: 'boolean' } })] };
const ruleContext = closed({ client_id: { type: 'string' }, actor }, ['client_id']);
const previous = (data: Json) => closed({ data }, []);
const flagChanges = ['name', 'description', 'tags', 'owner', 'enabled', 'default_value'] as const;
const sdk12Shapes: Record<string, { data: Json; context: Json }> = {
  'feature_flags.flag.created': { data: flagData, context: flagContext },
  'feature_flags.flag.deleted': { data: flagData, context: flagContext },
  'feature_flags.flag.updated': {
    data: flagData,
    context: closed(
      { client_id: { type: 'string' }, actor, previous_attributes: previous(closed(Object.fromEntries(flagChanges.map((f) => [f, flagFields[f]])), [])) },
      ['client_id', 'actor'],
    ),
  },
  'feature_flags.flag_rule.created': { data: ruleData, context: ruleContext },
  'feature_flags.flag_rule.deleted': { data: ruleData, context: ruleContext },
  'feature_flags.flag_rule.updated': {
    data: ruleData,
    context: closed({ client_id: { type: 'string' }, actor, previous_attributes: previous(closed({ value: { type: 'boolean' } }, [])) }, ['client_id']),
  },
  'feature_flags.flag_target.created': { data: targetData, context: flagContext },
  'feature_flags.flag_target.deleted': { data: targetData, context: flagContext },
};
const sdkAjv = new Ajv({ strict: false });
addFormats.default(sdkAjv);
for (const [type, shape] of Object.entries(sdk12Shapes)) {
  branches.set(type, closed({ object: { const: 'event' }, id: { type: 'string' }, event: { const: type }, data: shape.data, created_at: ISO, context: shape.context }));
}

const validators = new Map<string, ValidateFunction>();

/** The spec's event types (those with a schema of their own). */
export const SPEC_EVENT_TYPES = [...branches.keys()].filter((type) => !(type in sdk12Shapes));

/**
 * Asserts that an event (from GET /events or a delivery body) matches its type's schema in the
 * spec or, for SDK 12's feature_flags.* types, the shape SDK 12's typings give it.
 */
export function expectEventSpec(event: Json): void {
  const branch = branches.get(event.event);
  expect(branch, `the spec has no schema for event type '${event.event}'`).toBeDefined();
  let validate = validators.get(event.event);
  if (!validate) {
    validate = event.event in sdk12Shapes ? sdkAjv.compile(branch!) : specSchemaValidator(patched(event.event, branch!));
    validators.set(event.event, validate);
  }
  const ok = validate(event);
  expect(ok ? [] : validate.errors, `${event.event}: ${JSON.stringify(event)}`).toEqual([]);
  expect(event.id).toMatch(/^event_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
  expect(Object.keys(event).slice(0, 5)).toEqual(['object', 'id', 'event', 'data', 'created_at']);
}

/**
 * Asserts a 200 GET /events answer: the list as the spec's EventList (the SDK 12 feature_flags.*
 * entries, which no spec schema admits, left out of that check) and every event as expectEventSpec.
 */
export function expectEventList(res: { statusCode: number; headers: Record<string, unknown>; body: string }): Json {
  const body = JSON.parse(res.body) as Json;
  const specOnly = { ...body, data: (body.data as Json[]).filter((e) => !(e.event in sdk12Shapes)) };
  expectSpec({ ...res, body: JSON.stringify(specOnly) }, 'EventsController_list', 200);
  for (const event of body.data) expectEventSpec(event);
  return body;
}

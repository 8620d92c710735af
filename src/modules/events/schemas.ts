import { Type, type Static } from '@sinclair/typebox';
import { ListQuery } from '../../http/pagination.js';
import { ErrorBody, Nullable, Timestamp } from '../../http/schemas.js';

// TypeBox mirrors of the spec's EventSchema (its common part; `data` per type is the catalogue's)
// and EventList, and the parameters of EventsController_list.

export const EventSchema = Type.Object(
  {
    object: Type.Literal('event'),
    id: Type.String({ description: 'Unique identifier for the Event, `event_…`.' }),
    event: Type.String({ description: 'The type of event that occurred.' }),
    data: Type.Object({}, { additionalProperties: true, description: 'The event payload.' }),
    created_at: Timestamp,
    context: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'Additional context about the event.' })),
  },
  { $id: 'EventSchema' },
);

// spec: EventList's list_metadata has `after` only.
const EventList = Type.Object({
  object: Type.Literal('list'),
  data: Type.Array(Type.Ref('EventSchema')),
  list_metadata: Type.Object({ after: Nullable(Type.String()) }),
});

const eventTypes = Type.Array(Type.String(), { description: 'Filter events by one or more event types (e.g. `dsync.user.created`).' });

export const ListEventsQuery = Type.Object({
  ...ListQuery.properties,
  // spec: `style: form, explode: false` (`events=a,b`); clients also send `events=a&events=b` and `events[]=a`.
  events: Type.Optional(eventTypes),
  'events[]': Type.Optional(eventTypes),
  range_start: Type.Optional(Type.String({ description: 'ISO-8601 date string to filter events created after this date.' })),
  range_end: Type.Optional(Type.String({ description: 'ISO-8601 date string to filter events created before this date.' })),
  organization_id: Type.Optional(Type.String({ description: 'Filter events by the Organization that the event is associated with.' })),
});
export type ListEventsQuery = Static<typeof ListEventsQuery>;

export const listEvents = {
  operationId: 'EventsController_list',
  tags: ['events'],
  description: 'List events for the current environment.',
  querystring: ListEventsQuery,
  response: { 200: EventList, 400: ErrorBody, 422: ErrorBody },
};

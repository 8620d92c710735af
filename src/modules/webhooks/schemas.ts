import { Type, type Static } from '@sinclair/typebox';
import { ListQuery } from '../../http/pagination.js';
import { ErrorBody, ListOf, Nullable, StringEnum, Timestamp } from '../../http/schemas.js';

// TypeBox mirrors of the spec components WebhookEndpointJson, WebhookEndpointList,
// CreateWebhookEndpointDto and UpdateWebhookEndpointDto. Event names are checked by the service
// against the whole catalogue (the spec's enum lists fewer than SDK 12 knows).

export const WebhookEndpoint = Type.Object(
  {
    object: Type.Literal('webhook_endpoint'),
    id: Type.String({ description: 'Unique identifier of the Webhook Endpoint, `we_…`.' }),
    endpoint_url: Type.String(),
    secret: Type.String({ description: 'The secret deliveries are signed with (WorkOS-Signature).' }),
    status: StringEnum(['enabled', 'disabled'] as const),
    events: Type.Array(Type.String()),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'WebhookEndpoint' },
);
export type WebhookEndpointWire = Static<typeof WebhookEndpoint>;

const Events = Type.Array(Type.String(), { minItems: 1, description: 'The event types the endpoint receives.' });

export const CreateWebhookEndpointDto = Type.Object({
  endpoint_url: Type.String({ description: 'Where deliveries are POSTed (http:// is accepted: a local stand-in).' }),
  events: Events,
});
export type CreateWebhookEndpointDto = Static<typeof CreateWebhookEndpointDto>;

export const UpdateWebhookEndpointDto = Type.Object({
  endpoint_url: Type.Optional(Type.String()),
  status: Type.Optional(StringEnum(['enabled', 'disabled'] as const)),
  events: Type.Optional(Events),
});
export type UpdateWebhookEndpointDto = Static<typeof UpdateWebhookEndpointDto>;

const IdParams = Type.Object({ id: Type.String({ description: 'Unique identifier of the Webhook Endpoint.' }) });
const tags = ['webhooks'];

export const listWebhookEndpoints = {
  operationId: 'WebhookEndpointsController_list',
  tags,
  querystring: ListQuery,
  response: { 200: ListOf(Type.Ref('WebhookEndpoint')), '4xx': ErrorBody },
};
export const createWebhookEndpoint = {
  operationId: 'WebhookEndpointsController_create',
  tags,
  body: CreateWebhookEndpointDto,
  response: { 201: Type.Ref('WebhookEndpoint'), 409: ErrorBody, 422: ErrorBody },
};
export const updateWebhookEndpoint = {
  operationId: 'WebhookEndpointsController_update',
  tags,
  params: IdParams,
  body: UpdateWebhookEndpointDto,
  response: { 200: Type.Ref('WebhookEndpoint'), 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
};
export const deleteWebhookEndpoint = {
  operationId: 'WebhookEndpointsController_delete',
  tags,
  params: IdParams,
  response: { 204: Type.Null(), 404: ErrorBody },
};

// flagstand's own: the deliveries of the key's environment.
export const WebhookDelivery = Type.Object({
  id: Type.String({ description: 'A delivery id, `wd_…`: one event to one endpoint.' }),
  endpoint_id: Type.String(),
  event_id: Type.String(),
  attempts: Type.Integer({ description: 'POSTs made so far.' }),
  last_status: Nullable(Type.Integer({ description: 'The HTTP status of the last attempt; null before one, or when it got no answer.' })),
  next_attempt_at: Nullable(Type.String({ format: 'date-time', description: "The environment clock's time of the next attempt; null once delivered or given up." })),
  delivered_at: Nullable(Type.String({ format: 'date-time' })),
});
export type WebhookDeliveryWire = Static<typeof WebhookDelivery>;

const adminTags = ['flagstand-admin'];
export const listDeliveries = {
  operationId: 'FlagstandAdmin_listWebhookDeliveries',
  tags: adminTags,
  description: "Webhook deliveries of the key's environment, oldest first.",
  querystring: Type.Object({ endpoint_id: Type.Optional(Type.String()), event_id: Type.Optional(Type.String()) }),
  response: { 200: Type.Object({ object: Type.Literal('list'), data: Type.Array(WebhookDelivery) }), '4xx': ErrorBody },
};
export const retryDelivery = {
  operationId: 'FlagstandAdmin_retryWebhookDelivery',
  tags: adminTags,
  description: 'Sends the delivery again now (delivered or not) and answers once that attempt is over.',
  params: Type.Object({ id: Type.String({ description: 'A delivery id, `wd_…`.' }) }),
  response: { 200: WebhookDelivery, '4xx': ErrorBody },
};

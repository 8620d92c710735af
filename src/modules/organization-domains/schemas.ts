import { Type, type Static } from '@sinclair/typebox';
import { ErrorBody } from '../../http/schemas.js';

// TypeBox mirror of the spec component CreateOrganizationDomainDto; responses are the
// OrganizationDomain schema (spec: OrganizationDomainStandAlone, the same shape).

export const CreateOrganizationDomainDto = Type.Object({
  domain: Type.String({ description: 'The domain to add to the organization.' }),
  organization_id: Type.String({ description: 'The ID of the organization to add the domain to.' }),
});
export type CreateOrganizationDomainDto = Static<typeof CreateOrganizationDomainDto>;

const IdParams = Type.Object({ id: Type.String({ description: 'Unique identifier of the organization domain.' }) });
const DomainRef = Type.Ref('OrganizationDomain');

// One route schema per spec operationId. The spec gives create and verify no 404 and create no
// 422; flagstand answers them anyway for an unknown organization or domain and a bad body.
export const createOrganizationDomain = {
  operationId: 'OrganizationDomainsController_create',
  tags: ['organization-domains'],
  body: CreateOrganizationDomainDto,
  response: { 201: DomainRef, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
};
export const getOrganizationDomain = {
  operationId: 'OrganizationDomainsController_get',
  tags: ['organization-domains'],
  params: IdParams,
  response: { 200: DomainRef, 404: ErrorBody },
};
export const deleteOrganizationDomain = {
  operationId: 'OrganizationDomainsController_delete',
  tags: ['organization-domains'],
  params: IdParams,
  response: { 204: Type.Null(), 404: ErrorBody },
};
export const verifyOrganizationDomain = {
  operationId: 'OrganizationDomainsController_verify',
  tags: ['organization-domains'],
  params: IdParams,
  response: { 201: DomainRef, 400: ErrorBody, 404: ErrorBody },
};

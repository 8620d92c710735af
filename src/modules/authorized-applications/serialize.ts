import type { AuthorizedApplication } from './store.js';

/** Authorization → wire object in spec order; oauth_resource is absent when none was requested. */
export function serializeAuthorizedApplication(a: AuthorizedApplication) {
  return {
    object: 'authorized_connect_application' as const,
    id: a.id,
    granted_scopes: [...a.granted_scopes],
    ...(a.oauth_resource !== null && { oauth_resource: a.oauth_resource }),
    application: a.application,
  };
}

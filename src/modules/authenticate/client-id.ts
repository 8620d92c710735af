import { ID_PREFIXES } from '../../ids.js';

// Each environment has one client id, `client_` + the ULID of its public `environment_…` id, so
// either can be read from the other without a table (the JWKS route has no bearer key to go by).
const CLIENT = 'client_';

export const clientIdOf = (environmentPublicId: string): string => CLIENT + environmentPublicId.slice(ID_PREFIXES.environment.length);

/** The public environment id a client id names, or undefined when it is not of that form. */
export function environmentPublicIdOf(clientId: string): string | undefined {
  return clientId.startsWith(CLIENT) && clientId.length > CLIENT.length ? ID_PREFIXES.environment + clientId.slice(CLIENT.length) : undefined;
}

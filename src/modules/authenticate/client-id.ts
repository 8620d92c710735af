// Each environment has one client id, `client_` + the ULID of its public `environment_…` id, so
// either can be read from the other without a table (the JWKS route has no bearer key to go by).
const CLIENT = 'client_';
// ID_PREFIXES.environment, written out: src/ids.ts loads ulid, and the client entry
// (flagstand/client, through api-types.ts) must load no package (test/client-entry.test.ts checks both).
const ENVIRONMENT = 'environment_';

export const clientIdOf = (environmentPublicId: string): string => CLIENT + environmentPublicId.slice(ENVIRONMENT.length);

/** The public environment id a client id names, or undefined when it is not of that form. */
export function environmentPublicIdOf(clientId: string): string | undefined {
  return clientId.startsWith(CLIENT) && clientId.length > CLIENT.length ? ENVIRONMENT + clientId.slice(CLIENT.length) : undefined;
}

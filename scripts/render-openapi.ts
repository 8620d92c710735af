import { createFlagstand } from '../src/server.js';

/** Our OpenAPI document as committed: generated from the route schemas, with a trailing newline. */
export async function renderOpenApi(): Promise<string> {
  const { app } = await createFlagstand({ logLevel: 'silent' });
  try {
    return JSON.stringify(app.swagger(), null, 2) + '\n';
  } finally {
    await app.close();
  }
}

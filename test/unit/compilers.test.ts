import { describe, expect, it } from 'vitest';
import { compileAll } from '../../src/http/compilers.js';
import { buildTestApp } from '../helpers/build-app.js';

// Route schemas compile on first use, not at start-up: a broken one would only show on its
// route's first request. Compile them all here instead.
describe('route schemas', () => {
  it('every validator and serializer of the app compiles', async () => {
    const t = await buildTestApp();
    try {
      expect(() => compileAll()).not.toThrow();
    } finally {
      await t.app.close();
    }
  });
});

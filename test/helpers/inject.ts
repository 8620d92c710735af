import { expect } from 'vitest';
import type { TestApp } from './build-app.js';

type Json = Record<string, any>;

/**
 * JSON requests with the test app's key, for tests whose app is rebuilt per test (`app()` reads
 * the current one): `call` answers status and parsed body, `ok` also asserts a 2xx.
 */
export function jsonCalls(app: () => TestApp) {
  const call = async (method: string, url: string, body?: object) => {
    const t = app();
    const res = await t.app.inject({ method: method as 'GET', url, headers: t.headers, ...(body && { payload: body }) });
    return { status: res.statusCode, body: (res.body ? JSON.parse(res.body) : undefined) as Json };
  };
  const ok = async (method: string, url: string, body?: object) => {
    const res = await call(method, url, body);
    expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };
  return { call, ok };
}

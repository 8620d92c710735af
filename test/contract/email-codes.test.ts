import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../src/ids.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { expectSpec } from '../helpers/spec.js';

// A user's email verification and email change, with the codes read through the admin API
// (no email leaves flagstand).
let t: TestApp;
afterEach(() => t?.app.close());

const ADA = newId('user');
const BOB = newId('user');
const NOW = '2026-03-01T09:00:00.000Z';
const OP = {
  get: 'UserlandUsersController_getEmailVerification',
  send: 'UserlandUsersController_sendVerificationEmail',
  confirm: 'UserlandUsersController_emailVerification',
  changeSend: 'UserlandUsersController_sendEmailChange',
  changeConfirm: 'UserlandUsersController_confirmEmailChange',
};
type User = { id: string; email: string; email_verified: boolean; updated_at: string };
type Verification = { id: string; user_id: string; email: string; code: string; expires_at: string; created_at: string };

async function setup() {
  t = await buildTestApp({
    clock: NOW,
    seed: {
      users: [
        { id: ADA, email: 'ada@example.com' },
        { id: BOB, email: 'bob@example.com', email_verified: true },
      ],
    },
  });
}
const post = (url: string, payload?: object) =>
  t.app.inject({ method: 'POST', url: `/user_management/users/${url}`, headers: t.headers, ...(payload && { payload }) });
const get = (url: string) => t.app.inject({ method: 'GET', url, headers: t.headers });
async function latestCode(userId: string): Promise<Verification> {
  const res = await get(`/_flagstand/user_management/users/${userId}/email_verification`);
  expect(res.statusCode, res.body).toBe(200);
  return JSON.parse(res.body) as Verification;
}

describe('email verification', () => {
  it('send answers { user }; the code is readable through the admin API and email_verification.get', async () => {
    await setup();
    const sent = expectSpec(await post(`${ADA}/email_verification/send`), OP.send, 200) as { user: User };
    expect(sent.user).toMatchObject({ id: ADA, email_verified: false });
    const v = await latestCode(ADA);
    expect(v).toMatchObject({ object: 'email_verification', user_id: ADA, email: 'ada@example.com', created_at: NOW, expires_at: '2026-03-02T09:00:00.000Z' });
    expect(v.code).toMatch(/^\d{6}$/);
    expect(v.id).toMatch(/^email_verification_/);
    expect(expectSpec(await get(`/user_management/email_verification/${v.id}`), OP.get, 200)).toEqual(v);
    expectSpec(await get(`/user_management/email_verification/${newId('emailVerification')}`), OP.get, 404);
  });

  it('confirm with the newest code verifies the email; the code cannot be used again', async () => {
    await setup();
    await post(`${ADA}/email_verification/send`);
    const { code } = await latestCode(ADA);
    t.clock.set('2026-03-01T09:05:00.000Z');
    const done = expectSpec(await post(`${ADA}/email_verification/confirm`, { code }), OP.confirm, 200) as { user: User };
    expect(done.user).toMatchObject({ email_verified: true, updated_at: '2026-03-01T09:05:00.000Z' });
    const again = expectSpec(await post(`${ADA}/email_verification/confirm`, { code }), OP.confirm, 400) as { code: string };
    expect(again.code).toBe('email_previously_verified');
    expect((expectSpec(await post(`${ADA}/email_verification/send`), OP.send, 400) as { code: string }).code).toBe('email_already_verified');
  });

  it('answers the spec codes for a wrong, an older, a used and an expired code', async () => {
    await setup();
    const confirm = async (code: string) =>
      (expectSpec(await post(`${ADA}/email_verification/confirm`, { code }), OP.confirm, 400) as { code: string }).code;
    expect(await confirm('000000')).toBe('email_verification_code_incorrect');
    await post(`${ADA}/email_verification/send`);
    const first = (await latestCode(ADA)).code;
    t.clock.set('2026-03-01T09:00:01.000Z');
    await post(`${ADA}/email_verification/send`);
    const second = (await latestCode(ADA)).code;
    if (first !== second) expect(await confirm(first)).toBe('email_verification_code_incorrect');
    t.clock.set('2026-03-02T09:00:01.000Z');
    expect(await confirm(second)).toBe('email_verification_code_expired');
  });

  it('answers 404 for an unknown user and 422 without a code', async () => {
    await setup();
    expectSpec(await post(`${newId('user')}/email_verification/send`), OP.send, 404);
    expectSpec(await post(`${newId('user')}/email_verification/confirm`, { code: '123456' }), OP.confirm, 404);
    expect(expectSpec(await post(`${ADA}/email_verification/confirm`, {}), OP.confirm, 422)).toMatchObject({ code: 'invalid_request_parameters' });
    expect((await get(`/_flagstand/user_management/users/${ADA}/email_verification`)).statusCode).toBe(404);
  });
});

describe('email change', () => {
  async function pending(userId: string) {
    const res = await get(`/_flagstand/user_management/users/${userId}/email_change`);
    expect(res.statusCode, res.body).toBe(200);
    return JSON.parse(res.body) as { new_email: string; code: string; expires_at: string };
  }

  it('send answers the EmailChange; confirm with the code changes the email', async () => {
    await setup();
    const sent = expectSpec(await post(`${ADA}/email_change/send`, { new_email: 'Ada@New.example' }), OP.changeSend, 200) as {
      user: User;
      new_email: string;
      expires_at: string;
    };
    expect(sent).toMatchObject({ object: 'email_change', new_email: 'ada@new.example', expires_at: '2026-03-01T09:10:00.000Z', created_at: NOW });
    expect(sent.user.email).toBe('ada@example.com');
    const change = await pending(ADA);
    expect(change).toMatchObject({ object: 'email_change', user_id: ADA, new_email: 'ada@new.example' });
    t.clock.set('2026-03-01T09:01:00.000Z');
    const done = expectSpec(await post(`${ADA}/email_change/confirm`, { code: change.code }), OP.changeConfirm, 200) as { user: User };
    expect(done).toMatchObject({ object: 'email_change_confirmation', user: { email: 'ada@new.example', email_verified: true } });
    expect((JSON.parse((await get(`/user_management/users/${ADA}`)).body) as User).email).toBe('ada@new.example');
    const reused = expectSpec(await post(`${ADA}/email_change/confirm`, { code: change.code }), OP.changeConfirm, 409) as { code: string };
    expect(reused.code).toBe('email_change_code_previously_used');
  });

  it.each([
    [{ new_email: 'ada@example.com' }, 409, 'email_change_not_needed'],
    [{ new_email: 'bob@example.com' }, 409, 'email_not_available'],
    [{ new_email: 'nope' }, 422, 'invalid_email'],
    [{}, 422, 'invalid_request_parameters'],
  ])('send %j answers %i %s', async (payload, status, code) => {
    await setup();
    expect(expectSpec(await post(`${ADA}/email_change/send`, payload), OP.changeSend, status)).toMatchObject({ code });
  });

  it('confirm answers the spec codes: none pending, wrong, expired, address taken meanwhile', async () => {
    await setup();
    const confirm = (code: string) => post(`${ADA}/email_change/confirm`, { code });
    expect(expectSpec(await confirm('123456'), OP.changeConfirm, 409)).toMatchObject({ code: 'no_pending_email_change' });
    await post(`${ADA}/email_change/send`, { new_email: 'carol@example.com' });
    const { code } = await pending(ADA);
    expect(expectSpec(await confirm(code === '000000' ? '111111' : '000000'), OP.changeConfirm, 400)).toMatchObject({
      code: 'email_change_code_incorrect',
    });
    await t.app.inject({ method: 'POST', url: '/user_management/users', headers: t.headers, payload: { email: 'carol@example.com' } });
    expect(expectSpec(await confirm(code), OP.changeConfirm, 409)).toMatchObject({ code: 'email_not_available' });
    t.clock.set('2026-03-01T09:10:00.000Z');
    expect(expectSpec(await confirm(code), OP.changeConfirm, 400)).toMatchObject({ code: 'email_change_code_expired' });
    expect(expectSpec(await post(`${ADA}/email_change/confirm`, {}), OP.changeConfirm, 422)).toMatchObject({ code: 'invalid_request_parameters' });
    expectSpec(await post(`${newId('user')}/email_change/confirm`, { code }), OP.changeConfirm, 404);
    expectSpec(await post(`${newId('user')}/email_change/send`, { new_email: 'z@example.com' }), OP.changeSend, 404);
  });
});

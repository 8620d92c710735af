import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { invalidParameters } from '../../http/errors.js';
import * as S from './schemas.js';
import type { EnvironmentClock } from './service.js';

/** `GET`/`POST /environments/{environment}/clock`, registered under ADMIN_PREFIX. */
export const clockRoutes: FastifyPluginAsyncTypebox<{
  clock: EnvironmentClock;
  /** The internal id of the environment a path names (id, name or `current`). */
  environmentIdOf: (ref: string, callerId: string) => string;
}> = async (app, { clock, environmentIdOf }) => {
  app.get('/environments/:environment/clock', { schema: S.getClock }, async (req) => ({
    now: clock.now(environmentIdOf(req.params.environment, req.environmentId)),
  }));

  app.post('/environments/:environment/clock', { schema: S.moveClock }, async (req) => {
    const { now, advance_ms } = req.body ?? {};
    if ((now === undefined) === (advance_ms === undefined)) {
      throw invalidParameters([{ field: 'body', code: 'now_or_advance_ms_required', message: "needs exactly one of 'now' and 'advance_ms'" }], 422);
    }
    const environmentId = environmentIdOf(req.params.environment, req.environmentId);
    return { now: now !== undefined ? clock.set(environmentId, now) : clock.advance(environmentId, advance_ms!) };
  });
};

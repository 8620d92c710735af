import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as S from './schemas.js';
import { serializeEnvironment, serializeSnapshot } from './serialize.js';
import type { AdminService } from './service.js';

/**
 * Environments, reset and snapshots, registered under ADMIN_PREFIX. Any valid secret key may call
 * them (the server is a local test double); `current` in a path is the caller's own environment.
 */
export const adminRoutes: FastifyPluginAsyncTypebox<{ admin: AdminService }> = async (app, { admin }) => {
  /** The id of the environment a path names (id, name or `current`), for a caller in `callerId`. */
  const target = (ref: string, callerId: string) => admin.resolve(ref, callerId).id;

  app.post('/reset', { schema: S.resetServer }, async () => ({
    object: 'list' as const,
    data: admin.resetAll().map(serializeEnvironment),
  }));

  app.get('/environments', { schema: S.listEnvironments }, async () => ({
    object: 'list' as const,
    data: admin.list().map(serializeEnvironment),
  }));

  // A bodiless POST (curl -X POST) creates an empty environment.
  app.post('/environments', {
    schema: S.createEnvironment,
    preValidation: async (req) => {
      req.body ??= {};
    },
  }, async (req, reply) => reply.status(201).send(serializeEnvironment(admin.create(req.body))));

  app.get('/environments/:environment', { schema: S.getEnvironment }, async (req) =>
    serializeEnvironment(admin.resolve(req.params.environment, req.environmentId)),
  );

  app.patch('/environments/:environment', { schema: S.updateEnvironment }, async (req) =>
    serializeEnvironment(admin.update(target(req.params.environment, req.environmentId), req.body)),
  );

  app.delete('/environments/:environment', { schema: S.deleteEnvironment }, async (req, reply) => {
    admin.delete(target(req.params.environment, req.environmentId));
    return reply.status(204).send(null);
  });

  app.post('/environments/:environment/reset', { schema: S.resetEnvironment }, async (req) =>
    serializeEnvironment(admin.reset(target(req.params.environment, req.environmentId))),
  );

  app.get('/environments/:environment/snapshots', { schema: S.listSnapshots }, async (req) => ({
    object: 'list' as const,
    data: admin.listSnapshots(target(req.params.environment, req.environmentId)).map(serializeSnapshot),
  }));

  app.post('/environments/:environment/snapshots', { schema: S.createSnapshot }, async (req, reply) => {
    const snapshot = admin.snapshot(target(req.params.environment, req.environmentId));
    return reply.status(201).send(serializeSnapshot(snapshot));
  });

  app.post('/environments/:environment/snapshots/:snapshotId/restore', { schema: S.restoreSnapshot }, async (req) =>
    serializeEnvironment(admin.restore(target(req.params.environment, req.environmentId), req.params.snapshotId)),
  );

  app.delete('/environments/:environment/snapshots/:snapshotId', { schema: S.deleteSnapshot }, async (req, reply) => {
    admin.deleteSnapshot(target(req.params.environment, req.environmentId), req.params.snapshotId);
    return reply.status(204).send(null);
  });
};

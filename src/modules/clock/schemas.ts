import { Type } from '@sinclair/typebox';
import { ErrorBody, Timestamp } from '../../http/schemas.js';
import { EnvironmentParams } from '../admin/schemas.js';

// flagstand's own: no WorkOS counterpart. `{now}` in and out, as the admin API documents it.

export const FlagstandClock = Type.Object({ now: Timestamp });

const ClockParams = EnvironmentParams;

/** Exactly one of `now` (set) and `advance_ms` (advance); the route checks the "exactly one". */
export const MoveClockBody = Type.Object(
  {
    now: Type.Optional(Type.String({ format: 'date-time', description: 'Sets the time (ISO 8601).' })),
    advance_ms: Type.Optional(Type.Integer({ description: 'Moves the time by this many milliseconds (negative moves it back).' })),
  },
  { additionalProperties: false },
);

const tags = ['flagstand-admin'];
const errors = { '4xx': ErrorBody };

export const getClock = {
  operationId: 'FlagstandAdmin_getClock',
  tags,
  description:
    "The environment's time: what its writes, events, signatures and retry schedules are stamped with. It follows the server's clock until set or advanced, then stands still between moves.",
  params: ClockParams,
  response: { 200: FlagstandClock, ...errors },
};

export const moveClock = {
  operationId: 'FlagstandAdmin_moveClock',
  tags,
  description: 'Sets (`{"now": ISO}`) or advances (`{"advance_ms": N}`) the environment\'s time; it then stands still until moved again.',
  params: ClockParams,
  body: MoveClockBody,
  response: { 200: FlagstandClock, ...errors },
};

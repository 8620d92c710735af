import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Timestamp } from '../../http/schemas.js';

// TypeBox mirror of the spec component Flag (@workos/openapi-spec 0.1.0).
export const FlagOwner = Type.Object({
  email: Type.String(),
  first_name: Nullable(Type.String()),
  last_name: Nullable(Type.String()),
});
export type FlagOwner = Static<typeof FlagOwner>;

export const FeatureFlag = Type.Object(
  {
    object: Type.Literal('feature_flag'),
    id: Type.String(),
    slug: Type.String(),
    name: Type.String(),
    description: Nullable(Type.String()),
    owner: Type.Union([FlagOwner, Type.Null()]),
    tags: Type.Array(Type.String()),
    enabled: Type.Boolean(),
    default_value: Type.Boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'FeatureFlag' },
);
export type FeatureFlag = Static<typeof FeatureFlag>;

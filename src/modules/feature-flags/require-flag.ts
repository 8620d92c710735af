import { notFound } from '../../http/errors.js';
import type { Flag, FlagStore } from './store.js';

/** The flag of `slug`, or the 404 every flag route answers for a slug that names none. */
export function requireFlag(flags: Pick<FlagStore, 'bySlug'>, environmentId: string, slug: string): Flag {
  const flag = flags.bySlug(environmentId, slug);
  if (!flag) throw notFound('Feature flag', slug);
  return flag;
}

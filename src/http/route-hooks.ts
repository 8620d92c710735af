/**
 * A route's own hooks of one kind as a list (Fastify takes one function or an array), for the
 * onRoute hooks that give chosen routes a hook of theirs instead of every request paying for it.
 */
export function routeHooks<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}

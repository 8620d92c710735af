/** A seeded pseudo-random generator in [0, 1), so generated data sets are the same on every run. */
export function lcg(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

import type { SeedDocument } from '../../src/seed/schema.js';
import { startServer, type RunningFlagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';
import { fuzz, rowsOf, type FuzzFailure } from './harness.js';

/** Two environments: `fuzzed`, which the fuzzer's key reaches, and `bystander`, whose rows must not change. */
function environment(name: string, key: string, n: number) {
  const org = pinnedId('organization', n);
  const user = pinnedId('user', n);
  return {
    name,
    api_keys: [key],
    organizations: [{ id: org, name: `${name} org`, external_id: `ext-${name}`, domains: [`${name}.example.com`] }],
    users: [{ id: user, email: `${name}@example.com`, external_id: `ext-user-${name}` }],
    organization_memberships: [{ user_id: user, organization_id: org }],
    feature_flags: [
      { slug: 'beta', enabled: true, default_value: true },
      { slug: 'dark-mode', enabled: false, default_value: false },
    ],
  };
}

export const FUZZ_KEY = 'sk_test_fuzzed';

export interface FuzzRun {
  failures: FuzzFailure[];
  statuses: Record<number, number>;
  bystanderChanged: boolean;
  integrity: string;
  foreignKeyProblems: number;
  healthy: boolean;
}

/** Starts a server (in memory, or on `db`), fuzzes it, and checks what must hold afterwards. */
export async function runFuzz(seed: number, runs: number, db = ':memory:'): Promise<FuzzRun> {
  const seedDoc: SeedDocument = { environments: [environment('fuzzed', FUZZ_KEY, 1), environment('bystander-7f3a', 'sk_test_bystander', 2)] };
  let server: RunningFlagstand | undefined;
  try {
    server = await startServer({ port: 0, db, logLevel: 'silent', seed: seedDoc });
    const [fuzzed, bystander] = server.environments;
    const before = JSON.stringify(rowsOf(server.db, bystander.id));
    const poolSeed = [pinnedId('organization', 1), pinnedId('user', 1), 'beta', 'dark-mode', 'ext-fuzzed', 'ext-user-fuzzed', fuzzed.publicId];
    const { failures, statuses } = await fuzz({ url: server.url, key: FUZZ_KEY, seed, runs, poolSeed });
    const after = JSON.stringify(rowsOf(server.db, bystander.id));
    const health = await fetch(`${server.url}/health`).then((r) => r.status, () => 0);
    return {
      failures,
      statuses,
      bystanderChanged: before !== after,
      integrity: server.db.pragma('integrity_check', { simple: true }) as string,
      foreignKeyProblems: (server.db.pragma('foreign_key_check') as unknown[]).length,
      healthy: health === 200,
    };
  } finally {
    await server?.close();
  }
}

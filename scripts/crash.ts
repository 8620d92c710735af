// The long crash run: `npm run crash -- [--rounds N] [--seed N]`. Exits 1 on any problem.
import { parseArgs } from 'node:util';
import { killRounds, sigtermWithClients, twoServersOneFlag, workspace } from '../test/crash/scenarios.js';

const { values } = parseArgs({ options: { rounds: { type: 'string' }, seed: { type: 'string' }, synchronous: { type: 'string' } } });
const rounds = Number(values.rounds ?? 20);
const seed = Number(values.seed ?? Date.now() % 1_000_000);
const extra = values.synchronous ? ['--synchronous', values.synchronous] : [];
let bad = false;

const ws = workspace(extra);
try {
  for (const [i, round] of (await killRounds(ws, rounds, seed)).entries()) {
    const { problems, acknowledged, retried } = round.result;
    console.log(`kill -9 round ${i} (seed ${seed}) after ${round.killedAfterMs} ms: ${round.writes} writes, ${acknowledged} acknowledged checked, ${retried} retried; ${problems.length} problems`);
    for (const p of problems) console.log('  ' + p);
    bad ||= problems.length > 0;
  }
} finally {
  ws.dispose();
}

const shared = workspace(extra);
try {
  const r = await twoServersOneFlag(shared);
  const same = JSON.stringify(r.expectedTargets) === JSON.stringify(r.actualTargets);
  console.log(`two servers, 50 writers on one flag: ${r.status5xx.length} 5xx, targets ${same ? 'equal the model' : 'DIFFER from the model'}, ${r.acknowledgedCreates} creates, ${r.missingCreates.length} missing`);
  for (const p of [...r.status5xx, ...r.missingCreates]) console.log('  ' + p);
  if (!same) console.log(`  expected ${r.expectedTargets.length}: ${r.expectedTargets}\n  actual ${r.actualTargets.length}: ${r.actualTargets}`);
  bad ||= !same || r.status5xx.length > 0 || r.missingCreates.length > 0;
} finally {
  shared.dispose();
}

const term = workspace(extra);
try {
  const r = await sigtermWithClients(term);
  console.log(`SIGTERM with busy, idle and stalled clients: exit ${r.code ?? r.signal} after ${r.exitMs} ms; ${r.acknowledged} acknowledged, ${r.lost.length} lost, ${r.status5xx.length} 5xx`);
  bad ||= r.code !== 0 || r.exitMs > 8_000 || r.lost.length > 0 || r.status5xx.length > 0;
} finally {
  term.dispose();
}
process.exit(bad ? 1 : 0);

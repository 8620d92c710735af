// The long fuzz run: `npm run fuzz -- [--seed N] [--runs N] [--db FILE]`. Exits 1 on any failure.
import { parseArgs } from 'node:util';
import { runFuzz } from '../test/fuzz/fixture.js';

const { values } = parseArgs({ options: { seed: { type: 'string' }, runs: { type: 'string' }, db: { type: 'string' } } });
const seed = Number(values.seed ?? Date.now() % 1_000_000);
const runs = Number(values.runs ?? 10_000);
const started = Date.now();
const run = await runFuzz(seed, runs, values.db ?? ':memory:');
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`fuzz: ${runs} requests, seed ${seed}, ${seconds} s; statuses ${JSON.stringify(run.statuses)}`);
for (const f of run.failures.slice(0, 50)) console.log(JSON.stringify(f));
const bad = run.failures.length > 0 || run.bystanderChanged || run.integrity !== 'ok' || run.foreignKeyProblems > 0 || !run.healthy;
console.log(
  `failures ${run.failures.length}; other environment ${run.bystanderChanged ? 'CHANGED' : 'unchanged'}; integrity ${run.integrity}; ` +
    `foreign-key problems ${run.foreignKeyProblems}; healthy after ${run.healthy}`,
);
process.exit(bad ? 1 : 0);

// scratch: profile one route under load
import { spawn } from 'node:child_process';
import { generateSeed, SIZES } from './seed.js';
import { runLoad } from './load.js';
import { freePort, sleep, fetchBody } from './processes.js';
const size = (process.argv[2] ?? 'small') as 'small' | 'large';
const which = process.argv[3] ?? 'user';
const prof = process.argv[4] === 'prof';
const seed = generateSeed(SIZES[size], `/tmp/bp/seed-${size}.json`);
const port = await freePort();
const db = `/tmp/bp/${size}.db`;
for (const s of ['', '-wal', '-shm']) { try { (await import('node:fs')).rmSync(db + s); } catch {} }
const child = spawn(process.execPath, [...(prof ? ['--cpu-prof', '--cpu-prof-dir=/tmp/bp/prof'] : []), '/work/wt-bench/dist/cli.js', '--port', String(port), '--db', db, '--seed', seed.path, '--log-level', 'silent'], { stdio: 'inherit' });
for (;;) { try { const r = await fetchBody(port, '/health'); if (r.status === 200) break; } catch {} await sleep(20); }
const headers = { authorization: `Bearer ${seed.apiKey}` };
const ids = which === 'user' ? seed.userIds : seed.organizationIds;
const paths = which === 'flags' ? ['/feature-flags'] : ids.slice(0, 2000).map((id) => which === 'user' ? `/user_management/users/${id}/feature-flags` : `/organizations/${id}/feature-flags`);
console.log((await fetchBody(port, paths[0], headers)).body.slice(0, 300));
const r = await runLoad({ port, paths, headers, connections: 10, durationSec: Number(process.env.DUR ?? 5) });
console.log(JSON.stringify(r));
child.kill('SIGINT');
await new Promise((res) => child.once('exit', res));

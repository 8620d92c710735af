// scratch A/B: node bench/.ab.tmp.ts size route rootA rootB [rounds]
import { rmSync } from 'node:fs';
import { generateSeed, SIZES } from './seed.js';
import { runLoad } from './load.js';
import { cpuMs, freePort, spawnUntilHealthy } from './processes.js';
const [size, which, ...rest] = process.argv.slice(2);
const rounds = Number(process.env.ROUNDS ?? 3);
const dur = Number(process.env.DUR ?? 5);
const seed = generateSeed(SIZES[size as 'small'], `/tmp/bp/ab-${size}.json`);
const headers = { authorization: `Bearer ${seed.apiKey}` };
const ids = which === 'user' ? seed.userIds : seed.organizationIds;
const paths = which === 'flags' ? ['/feature-flags'] : which === 'sdk' ? ['/sdk/feature-flags'] : ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / 2000)) === 0).map((id) => which === 'user' ? `/user_management/users/${id}/feature-flags` : `/organizations/${id}/feature-flags`);
const servers = [];
for (const root of rest) {
  const port = await freePort(); const db = `/tmp/bp/ab-${servers.length}-${size}.db`;
  for (const s of ['', '-wal', '-shm']) rmSync(db + s, { force: true });
  const s = await spawnUntilHealthy(process.execPath, [`${root}/dist/cli.js`, '--port', String(port), '--db', db, '--seed', seed.path, '--log-level', 'silent'], port);
  console.log(root, 'start ms', s.startMs.toFixed(0));
  servers.push({ root, s });
}
const hp = await freePort();
const hello = await spawnUntilHealthy(process.execPath, ['/work/wt-bench/bench/hello-server.mjs', String(hp)], hp);
const res: Record<string, number[]> = {};
for (let r = 0; r < rounds; r++) {
  for (const { root, s } of [...servers, { root: 'hello', s: hello }]) {
    const out = await runLoad({ port: s.port, paths: root === 'hello' ? paths.map(() => '/') : paths, headers, connections: 10, durationSec: dur, serverPid: s.child.pid });
    if (out.non2xx) throw new Error('non2xx');
    const us = out.cpuUsPerRequest!;
    (res[root] ??= []).push(Math.round(out.rps)); (res[root + ' cpu'] ??= []).push(Math.round(us));
    console.log(r, root.padEnd(20), Math.round(out.rps), 'p50', out.p50.toFixed(3), 'p99', out.p99.toFixed(2), 'bytes', Math.round(out.bytesPerResponse), 'cpu us/req', Math.round(us));
  }
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(20), 'median', med(v), 'ratio', (med(v) / med(res.hello)).toFixed(2));
for (const { s } of servers) await s.stop();
await hello.stop();

#!/usr/bin/env node
import { parseArgs } from 'node:util';
import {
  ADMIN_PREFIX, DEFAULT_OPTIONS, ENV_VARS, LOG_LEVELS, SYNCHRONOUS_MODES,
  type FlagstandOptions, type LogLevel, type SynchronousMode,
} from './config.js';

const HELP = `flagstand — a local stand-in for the WorkOS Feature Flags API

Usage: flagstand [options]

Options (each also from an environment variable):
  --port N          port to listen on (0 = any free port)   [${ENV_VARS.port}, default ${DEFAULT_OPTIONS.port}]
  --host HOST       interface to bind                        [${ENV_VARS.host}, default ${DEFAULT_OPTIONS.host}]
  --db PATH         SQLite file (persists, WAL mode); default: in memory, fresh at each start
                                                             [${ENV_VARS.db}]
  --synchronous M   normal|full: a --db file survives a process crash (normal) or a power loss too (full)
                                                             [${ENV_VARS.synchronous}, default ${DEFAULT_OPTIONS.synchronous}]
  --seed FILE       JSON or YAML seed, loaded into a fresh database
                                                             [${ENV_VARS.seed}]
  --api-key KEY     secret key of the default environment; repeatable
                                                             [${ENV_VARS.apiKeys}, comma-separated]
  --log-level LVL   ${LOG_LEVELS.join('|')}          [${ENV_VARS.logLevel}, default ${DEFAULT_OPTIONS.logLevel}]
  -h, --help        show this help

With no key configured anywhere, the key sk_test_default is accepted.
The first line on stdout, even with --log-level silent, is: flagstand listening on http://HOST:PORT
GET /health (or HEAD /health) answers 200 once the server is ready.
Reset, snapshots, new environments and flag management: POST ${ADMIN_PREFIX}/environments/current/reset
and the other routes under ${ADMIN_PREFIX}/ (any valid key; GET ${ADMIN_PREFIX}/ lists them).
`;

function fail(message: string): never {
  process.stderr.write(`flagstand: ${message}\n`);
  process.exit(2);
}

/** A usage mistake: one line saying what is wrong, one pointing at the help (not the whole help again). */
function usage(message: string): never {
  fail(`${message}\nRun 'flagstand --help' to list the options.`);
}

/** Flags first, then env vars, then defaults. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv): FlagstandOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        synchronous: { type: 'string' },
        seed: { type: 'string' },
        'api-key': { type: 'string', multiple: true },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    // parseArgs goes on to explain `--` for positionals; its first sentence is the news.
    usage((err as Error).message.replace(/\. .*$/s, ''));
  }
  if (values.help) return 'help';

  // A bad value is named as the user gave it: the flag, or the environment variable.
  const port = option(values.port, env, 'port', '--port');
  const portNumber = port.text === undefined ? DEFAULT_OPTIONS.port : Number(port.text);
  if (!Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65535) usage(`${port.name} must be an integer from 0 to 65535, got '${port.text}'`);
  const level = option(values['log-level'], env, 'logLevel', '--log-level');
  const logLevel = (level.text ?? DEFAULT_OPTIONS.logLevel) as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) usage(`${level.name} must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);
  const keysName = values['api-key'] ? '--api-key' : ENV_VARS.apiKeys;
  const apiKeys =
    values['api-key'] ?? (env[ENV_VARS.apiKeys] ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  for (const key of apiKeys) if (!/^sk_\S+$/.test(key)) usage(`${keysName} must look like sk_…, got '${key}'`);

  const synchronous = (values.synchronous ?? env[ENV_VARS.synchronous] ?? DEFAULT_OPTIONS.synchronous) as SynchronousMode;
  if (!SYNCHRONOUS_MODES.includes(synchronous)) fail(`--synchronous must be one of ${SYNCHRONOUS_MODES.join(', ')}, got '${synchronous}'`);

  return {
    port: portNumber,
    host: values.host ?? env[ENV_VARS.host] ?? DEFAULT_OPTIONS.host,
    db: values.db ?? env[ENV_VARS.db] ?? DEFAULT_OPTIONS.db,
    synchronous,
    seed: values.seed ?? env[ENV_VARS.seed],
    apiKeys,
    logLevel,
  };
}

/** A flag's value if given, else its environment variable's, with the name to blame for it. */
function option(flag: string | undefined, env: NodeJS.ProcessEnv, key: keyof typeof ENV_VARS, flagName: string) {
  return flag !== undefined ? { text: flag, name: flagName } : { text: env[ENV_VARS[key]], name: ENV_VARS[key] };
}

/** http://host:port as bound: 0.0.0.0 stays 0.0.0.0, an IPv6 address gets its brackets. */
function boundUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

async function main(): Promise<void> {
  // A closed stdout (`flagstand | head -1`, a CI step that stopped reading) must not stop the
  // server: the banner is for people, the server is for the tests still running.
  let stdoutOpen = true;
  process.stdout.on('error', () => {
    stdoutOpen = false;
  });

  const options = parseCli(process.argv.slice(2), process.env);
  if (options === 'help') {
    process.stdout.write(HELP);
    return;
  }
  // Loaded only now, so --help and argument errors answer without loading Fastify and SQLite.
  const { startServer } = await import('./server.js');
  let server;
  try {
    server = await startServer(options);
  } catch (err) {
    fail((err as Error).message);
  }
  const write = (line: string) => stdoutOpen && process.stdout.write(line + '\n');
  const quiet = options.logLevel === 'silent';
  const say = (line: string) => quiet || write(line);
  const url = boundUrl(options.host, server.port);
  // Always printed, `silent` too, and alone on its line: what a script reads to learn the port.
  write(`flagstand listening on ${url}`);
  say(`  db: ${options.db === ':memory:' ? 'in memory, fresh at each start' : options.db}`);
  if (server.seedSkipped) say(`  seed not loaded: ${options.db} already holds data`);
  for (const env of server.environments) say(`  environment ${env.name}: ${env.keys.join(', ') || '(no keys)'}`);
  if (server.usingFallbackKey) say('  no API key configured: accepting sk_test_default');
  say(`  admin API (reset, snapshots, environments, flags): ${url}${ADMIN_PREFIX}/`);

  const shutdown = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

void main();

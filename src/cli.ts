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
GET /health answers 200 once the server is ready.
Reset, snapshots, new environments and flag management: POST ${ADMIN_PREFIX}/environments/current/reset
and the other routes under ${ADMIN_PREFIX}/ (any valid key; see README.md, "Testing with flagstand").
`;

function fail(message: string): never {
  process.stderr.write(`flagstand: ${message}\n`);
  process.exit(2);
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
    fail(`${(err as Error).message}\n\n${HELP}`);
  }
  if (values.help) return 'help';

  const portText = values.port ?? env[ENV_VARS.port];
  const port = portText === undefined ? DEFAULT_OPTIONS.port : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer from 0 to 65535, got '${portText}'`);
  const logLevel = (values['log-level'] ?? env[ENV_VARS.logLevel] ?? DEFAULT_OPTIONS.logLevel) as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) fail(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);
  const apiKeys =
    values['api-key'] ?? (env[ENV_VARS.apiKeys] ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  for (const key of apiKeys) if (!/^sk_\S+$/.test(key)) fail(`--api-key must look like sk_…, got '${key}'`);

  const synchronous = (values.synchronous ?? env[ENV_VARS.synchronous] ?? DEFAULT_OPTIONS.synchronous) as SynchronousMode;
  if (!SYNCHRONOUS_MODES.includes(synchronous)) fail(`--synchronous must be one of ${SYNCHRONOUS_MODES.join(', ')}, got '${synchronous}'`);

  return {
    port,
    host: values.host ?? env[ENV_VARS.host] ?? DEFAULT_OPTIONS.host,
    db: values.db ?? env[ENV_VARS.db] ?? DEFAULT_OPTIONS.db,
    synchronous,
    seed: values.seed ?? env[ENV_VARS.seed],
    apiKeys,
    logLevel,
  };
}

async function main(): Promise<void> {
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
  const quiet = options.logLevel === 'silent';
  const say = (line: string) => quiet || process.stdout.write(line + '\n');
  say(`flagstand listening on ${server.url} (db: ${options.db === ':memory:' ? 'in memory' : options.db})`);
  if (server.seedSkipped) say(`seed not loaded: ${options.db} already holds data`);
  for (const env of server.environments) say(`  environment ${env.name}: ${env.keys.join(', ') || '(no keys)'}`);
  if (server.usingFallbackKey) say('  no API key configured: accepting sk_test_default');
  say(`  admin API (reset, snapshots, environments, flags): ${server.url}${ADMIN_PREFIX}/`);

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

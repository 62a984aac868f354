// Starts the bot: `node dist/src/main.js` (the image's entrypoint, `npm start`).
// Configuration is validated first; a problem ends the process with one clear message and exit 1, never a stack.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLiveDeps } from './live/index.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics, metricsHandler, type Metrics } from './metrics.js';
import { createAuthorizer } from './policy/default.js';
import { PolicyError, loadPolicyFile } from './policy/load.js';
import { createSlackApp, type SlackApp } from './slack/app.js';
import { createStore, type Store } from './state/index.js';

/** How long SIGTERM waits for replies already being worked on. ECS stopTimeout / k8s grace must be longer. */
export const SHUTDOWN_DRAIN_MS = 10_000;
/** After the drain, closing connections gets this long before the process exits anyway. */
const SHUTDOWN_CLOSE_MS = 5_000;

export interface Bot {
  config: Config;
  slack: SlackApp;
  store: Store;
  logger: Logger;
  metrics: Metrics;
  /** Stops taking work, drains in-flight replies (bounded), closes Slack, Redis and HTTP. True when drained. */
  shutdown(reason: string): Promise<boolean>;
}

/** package.json's version: beside dist/ in the image, two levels up from dist/src/, one from src/. */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      try {
        const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'redis-diagnose') return pkg.version ?? 'unknown';
      } catch { /* keep looking */ }
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

/** Everything the bot needs, wired; throws PolicyError or Error (clear messages) when it cannot start. */
export async function startBot(config: Config, options: { logger?: Logger; host?: string } = {}): Promise<Bot> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const mode = config.slack.appToken ? 'socket' : 'http';
  const version = packageVersion();
  const metrics = createMetrics(undefined, { version, mode });

  const { policy } = loadPolicyFile(config.policyFile);
  logger.info({ event: 'policy', file: config.policyFile, bindings: policy?.bindings.length ?? null },
    policy ? `policy ${config.policyFile} loaded` : `no policy file at ${config.policyFile}: safe defaults (live look-ups and probes only in SUPPORT_CHANNELS)`);

  const store = createStore(config.redisUrl);
  const authorizer = createAuthorizer({
    ...(policy ? { policy } : {}),
    supportChannels: config.supportChannels,
    ...(config.policyContact ? { contact: config.policyContact } : {}),
    accountRoles: config.accountRoles,
    logger,
    metrics,
  });
  const liveDeps = createLiveDeps({
    ...(config.awsRegion ? { region: config.awsRegion } : {}),
    accountRoles: config.accountRoles,
    probeAllowedHosts: config.probeAllowedHosts,
    probeAllowedPorts: config.probeAllowedPorts,
    store,
    metrics,
  });
  const slack = createSlackApp({
    config, store, logger, metrics, authorizer, liveDeps,
    routes: [{ path: '/metrics', method: ['GET'], handler: metricsHandler(metrics) }],
  });

  try {
    await slack.start(config.port, options.host);
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  logger.info({ event: 'started', version, mode, port: slack.port, node: process.versions.node, supportChannels: config.supportChannels.length, state: config.redisUrl ? 'redis' : 'memory' },
    `redis-diagnose ${version} listening in ${mode === 'socket' ? 'Socket Mode' : 'HTTP mode'} (health and metrics on port ${slack.port})`);

  let stopping: Promise<boolean> | undefined;
  const shutdown = (reason: string): Promise<boolean> => {
    stopping ??= (async () => {
      logger.info({ event: 'shutdown', reason, inFlight: slack.inFlight() }, `shutting down (${reason}): finishing ${slack.inFlight()} reply(ies) in flight, up to ${SHUTDOWN_DRAIN_MS / 1000} s`);
      // Slack first (no new work; in-flight replies finish, bounded), then shared state, which replies still use.
      const drained = await slack.stop(SHUTDOWN_DRAIN_MS);
      await store.close().catch((err: unknown) => logger.warn({ event: 'shutdown', err }, 'closing the state store failed'));
      logger.info({ event: 'stopped', drained }, drained ? 'stopped; every reply was posted' : 'stopped; some replies were still in flight and were abandoned');
      return drained;
    })();
    return stopping;
  };

  return { config, slack, store, logger, metrics, shutdown };
}

function fail(title: string, lines: string[]): never {
  process.stderr.write(`redis-diagnose: ${title}:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
  process.exit(1);
}

/** The process: config, start, signals. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // The AWS SDK warns on stderr that its 2027 releases need Node 22; the image runs 22, and logs stay JSON.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) fail('configuration error', err.problems);
    throw err;
  }

  const logger = createLogger(config.logLevel);
  process.on('unhandledRejection', (reason) => {
    // Logged, not fatal: one bad event must not become a crash loop.
    logger.error({ event: 'unhandled-rejection', err: reason instanceof Error ? reason : new Error(String(reason)) }, 'unhandled promise rejection');
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ event: 'uncaught-exception', err }, 'uncaught exception; exiting');
    process.exit(1);
  });

  let bot: Bot;
  try {
    bot = await startBot(config, { logger });
  } catch (err) {
    if (err instanceof PolicyError) fail('policy error', err.errors);
    const e = err as NodeJS.ErrnoException;
    const message = e.code === 'EADDRINUSE' ? `port ${config.port} is already in use: set PORT to a free port` : e.message ?? String(err);
    logger.fatal({ event: 'start-failed', err }, message);
    fail('cannot start', [message]);
  }

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ event: 'shutdown', signal }, `second ${signal}: exiting now`);
      process.exit(1);
    }
    // A hard bound, whatever hangs while closing.
    setTimeout(() => {
      logger.error({ event: 'shutdown', signal }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_DRAIN_MS + SHUTDOWN_CLOSE_MS).unref();
    bot.shutdown(signal).then(
      (drained) => process.exit(drained ? 0 : 1),
      (err: unknown) => {
        logger.error({ event: 'shutdown', err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

function isEntrypoint(): boolean {
  const argv1 = process.argv[1];
  if (!argv1) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(argv1)).href;
  } catch {
    return false;
  }
}

if (isEntrypoint()) {
  main().catch((err: unknown) => {
    process.stderr.write(`redis-diagnose: cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

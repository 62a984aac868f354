// The Bolt app factory: Socket Mode when an app token is configured (no public URL, the usual choice inside a
// VPC), HTTP mode otherwise (`/slack/events` for events, commands and actions; `/healthz`).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, type CustomRoute, type webApi } from '@slack/bolt';
import type { Config } from '../config.js';
import { diagnose as realDiagnose } from '../engine.js';
import type { LiveDeps } from '../live/index.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { createAuthorizer } from '../policy/default.js';
import type { Authorizer } from '../policy/types.js';
import { createUserGroupResolver } from '../policy/usergroups.js';
import type { Store } from '../state/store.js';
import { boltLogger } from './bolt-logger.js';
import { DEFAULT_APP_LIMITS, InFlight, type AppLimits, type DiagnoseFn, type SlackDeps } from './context.js';
import { DEFAULT_LIMITS, ReplyGuard } from './exactly-once.js';
import { registerActions } from './listeners/actions.js';
import { registerCommand } from './listeners/command.js';
import { registerMessageListeners } from './listeners/messages.js';
import { ReplyStates } from './reply-state.js';
import { slackErrorCode, type ApiContext } from './web.js';

export interface SlackAppOptions {
  config: Config;
  store: Store;
  logger: Logger;
  metrics: Metrics;
  /** Who may trigger live look-ups and probes. Default: the safe defaults (no policy file; see src/policy/default.ts). */
  authorizer?: Authorizer;
  liveDeps?: LiveDeps;
  /** The engine; tests may wrap it (e.g. to hold it and prove the ack comes first). */
  diagnose?: DiagnoseFn;
  /** Extra HTTP routes, e.g. `/metrics` (served on PORT in both modes). */
  routes?: CustomRoute[];
  limits?: Partial<AppLimits>;
  /** Web API request timeout (ms). */
  apiTimeoutMs?: number;
}

export interface SlackApp {
  app: App;
  mode: 'http' | 'socket';
  /** The port /slack/events (HTTP mode) or /healthz and the routes (Socket Mode) listen on, once started. */
  port?: number;
  /**
   * Checks the bot token (auth.test), then listens. `port` defaults to config.port; `host` defaults to all
   * interfaces. Rejects with a clear message when Slack refuses the token.
   */
  start(port?: number, host?: string): Promise<void>;
  /** Stops taking requests, waits for in-flight replies (bounded), then closes connections. True when drained. */
  stop(drainTimeoutMs?: number): Promise<boolean>;
  /** Replies being worked on. */
  inFlight(): number;
  drain(timeoutMs: number): Promise<boolean>;
}

function listen(server: Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Socket Mode has no HTTP receiver: a small server keeps /healthz (and /metrics) on PORT for the platform. */
function routesServer(routes: CustomRoute[]): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      // `GET //` or `GET http://[` from a scanner: thrown here it would be an uncaught exception, and the bot would exit.
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('bad request\n');
      return;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const route = routes.find((r) => r.path === path && (Array.isArray(r.method) ? r.method : [r.method]).map((m) => m.toUpperCase()).includes(method));
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    route.handler(Object.assign(req, { params: {} }), res);
  });
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { config, store, logger, metrics } = options;
  const mode: 'http' | 'socket' = config.slack.appToken ? 'socket' : 'http';
  const log = logger.child({ component: 'slack', mode });
  const limits: AppLimits = { ...DEFAULT_LIMITS, ...DEFAULT_APP_LIMITS, ...options.limits };
  const authorizer = options.authorizer ?? createAuthorizer({
    supportChannels: config.supportChannels,
    contact: config.policyContact,
    accountRoles: config.accountRoles,
    logger,
    metrics,
  });
  const tracker = new InFlight(metrics);
  const bot: SlackDeps['bot'] = {};
  let connected = mode === 'http';

  const health: CustomRoute = {
    path: '/healthz',
    method: ['GET', 'HEAD'],
    handler: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', mode, slackConnected: connected, inFlight: tracker.count }));
    },
  };
  const routes = [health, ...(options.routes ?? [])];

  const clientOptions: webApi.WebClientOptions = {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    // 429s come back to us (src/slack/web.ts waits Retry-After, bounded); the SDK's own default would retry
    // for up to 30 minutes and pause every other call meanwhile.
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1_000 },
    timeout: options.apiTimeoutMs ?? 10_000,
  };

  const app = new App({
    token: config.slack.botToken,
    // auth.test runs in start(), where a bad token is a clear error instead of an unhandled rejection.
    deferInitialization: true,
    logger: boltLogger(logger),
    logLevel: LogLevel.INFO,
    clientOptions,
    ...(mode === 'socket'
      ? { socketMode: true, appToken: config.slack.appToken }
      : { signingSecret: config.slack.signingSecret ?? '', customRoutes: routes, processBeforeResponse: false }),
  });

  const api = (client: webApi.WebClient): ApiContext => ({ client, logger: log, metrics, maxRetryAfterSec: limits.maxRetryAfterSec, maxAttempts: limits.maxAttempts });
  const resolver = authorizer.userGroupIds?.length
    ? createUserGroupResolver({ client: app.client, store, groupIds: authorizer.userGroupIds, logger: log })
    : undefined;

  const deps: SlackDeps = {
    config,
    logger: log,
    metrics,
    authorizer,
    ...(options.liveDeps ? { liveDeps: options.liveDeps } : {}),
    diagnose: options.diagnose ?? realDiagnose,
    guard: new ReplyGuard(store, limits, log, metrics),
    states: new ReplyStates(store, log),
    limits,
    tracker,
    userGroups: async (_client, user) => (resolver ? resolver.groupsOf(user) : []),
    api,
    bot,
  };

  // Every delivery is tracked from the moment the receiver hands it over (before the ack) until its listeners
  // finish: shutdown drains exactly this, and nothing slips between the ack and the listener.
  const processEvent = app.processEvent.bind(app);
  app.processEvent = (event) => tracker.run(() => processEvent(event));

  registerCommand(app, deps);
  registerMessageListeners(app, deps);
  registerActions(app, deps);
  // A listener error is logged and dropped: never an unhandled rejection, never a crash loop.
  app.error(async (err) => {
    log.error({ error: slackErrorCode((err as { original?: unknown }).original ?? err), err }, 'unhandled error in a Slack listener');
  });

  let server: Server | undefined;
  const handle: SlackApp = {
    app,
    mode,
    async start(port = config.port, host?: string) {
      try {
        await app.init();
        const auth = await app.client.auth.test();
        bot.userId = auth.user_id;
        bot.botId = auth.bot_id;
      } catch (err) {
        const code = slackErrorCode(err);
        throw new Error(`Slack refused the bot token at start (auth.test: ${code}). Check SLACK_BOT_TOKEN${config.slack.apiUrl ? ` and SLACK_API_URL (${config.slack.apiUrl})` : ''}.`);
      }
      if (mode === 'http') {
        const s = (await app.start(host ? { port, host } : port)) as Server;
        server = s;
        handle.port = (s.address() as AddressInfo).port;
      } else {
        try {
          await app.start();
          connected = true;
        } catch (err) {
          throw new Error(`Socket Mode could not connect (apps.connections.open: ${slackErrorCode(err)}). Check SLACK_APP_TOKEN (an xapp- token with connections:write).`);
        }
        const receiver = (app as unknown as { receiver: { client?: { on(ev: string, fn: () => void): void } } }).receiver;
        receiver.client?.on('disconnected', () => { connected = false; });
        receiver.client?.on('connected', () => { connected = true; });
        server = routesServer(routes);
        handle.port = await listen(server, port, host);
      }
      log.info({ port: handle.port, botUserId: bot.userId }, `Slack app started in ${mode === 'http' ? 'HTTP' : 'Socket'} mode`);
    },
    async stop(drainTimeoutMs = 10_000) {
      try {
        await app.stop();
      } catch (err) {
        log.debug({ err }, 'receiver was not running');
      }
      connected = false;
      const drained = await tracker.drain(drainTimeoutMs);
      if (!drained) log.warn({ inFlight: tracker.count }, 'stopped with replies still in flight');
      if (mode === 'socket' && server) {
        const s = server;
        await new Promise<void>((resolve) => s.close(() => resolve()));
        s.closeAllConnections();
      }
      server = undefined;
      await deps.guard.close();
      return drained;
    },
    inFlight: () => tracker.count,
    drain: (timeoutMs) => tracker.drain(timeoutMs),
  };
  return handle;
}

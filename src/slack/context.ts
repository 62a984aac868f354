// What every listener shares: config, logging, metrics, the engine, the guards, and in-flight tracking.
import type { webApi } from '@slack/bolt';
import type { Config } from '../config.js';
import type { DiagnoseRequest, EngineDeps } from '../engine.js';
import type { LiveDeps } from '../live/index.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Authorizer, Requester } from '../policy/types.js';
import type { Report } from '../report.js';
import { TOTAL_TEXT_BUDGET } from '../render/slack-text.js';
import type { ReplyGuard, ReplyLimits } from './exactly-once.js';
import type { ReplyStates } from './reply-state.js';
import type { ApiContext } from './web.js';

export type DiagnoseFn = (req: DiagnoseRequest, deps?: EngineDeps) => Promise<Report>;

export interface AppLimits extends ReplyLimits {
  /** Bytes read from one shared file (snippet, log); the rest is cut. */
  fileMaxBytes: number;
  fileTimeoutMs: number;
  /** Upper bound on one diagnosis (paste + live + probe); past it the request is answered as failed. */
  diagnoseTimeoutMs: number;
  /** Longest Slack Retry-After we wait for, and attempts per Web API call on 429. */
  maxRetryAfterSec: number;
  maxAttempts: number;
  /** Messages read from a thread when a mention inside it carries no error itself. */
  threadHistory: number;
  /** Characters one reply may hold before long diffs are folded behind "Show Terraform" (Slack: ~12k). */
  replyBudget: number;
}

export const DEFAULT_APP_LIMITS: Omit<AppLimits, keyof ReplyLimits> = {
  fileMaxBytes: 256 * 1024,
  fileTimeoutMs: 5_000,
  diagnoseTimeoutMs: 20_000,
  maxRetryAfterSec: 30,
  maxAttempts: 3,
  threadHistory: 30,
  replyBudget: TOTAL_TEXT_BUDGET,
};

export interface SlackDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  authorizer: Authorizer;
  liveDeps?: LiveDeps;
  diagnose: DiagnoseFn;
  guard: ReplyGuard;
  states: ReplyStates;
  limits: AppLimits;
  tracker: InFlight;
  /** The policy's user groups this user is in (undefined = could not check); [] when the policy names none. */
  userGroups: (client: webApi.WebClient, user: string) => Promise<string[] | undefined>;
  api: (client: webApi.WebClient) => ApiContext;
  /** Filled by auth.test at start. */
  bot: { userId?: string; botId?: string };
}

/** Work started after an ack: counted, so shutdown can wait for it (bounded) before closing connections. */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly metrics?: Metrics) {}

  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = fn();
    this.pending.add(p);
    this.metrics?.inFlight?.inc();
    const done = () => {
      this.pending.delete(p);
      this.metrics?.inFlight?.dec();
    };
    p.then(done, done);
    return p;
  }

  get count(): number {
    return this.pending.size;
  }

  /** Resolves true when all work finished, false when timeoutMs passed first. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.pending.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); });
    const all = Promise.allSettled([...this.pending]).then(() => true as const);
    const result = await Promise.race([all, timeout]);
    clearTimeout(timer);
    return result;
  }
}

/**
 * The engine, bounded in time and never throwing: undefined means "no diagnosis" (logged), and the caller
 * decides between silence (auto-replies) and a short apology (commands, buttons).
 */
export async function runDiagnosis(deps: SlackDeps, req: DiagnoseRequest, log: Logger): Promise<Report | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`diagnosis took longer than ${deps.limits.diagnoseTimeoutMs} ms`)), deps.limits.diagnoseTimeoutMs);
    });
    return await Promise.race([deps.diagnose(req, { authorizer: deps.authorizer, ...(deps.liveDeps ? { live: deps.liveDeps } : {}) }), timeout]);
  } catch (err) {
    log.error({ err }, 'diagnosis failed');
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** Slash commands say where they came from by channel name; events by channel_type. */
export function channelTypeOf(channelId: string, hint?: string): string | undefined {
  if (hint === 'directmessage' || hint === 'im' || channelId.startsWith('D')) return 'im';
  if (hint === 'mpim' || hint?.startsWith('mpdm-')) return 'mpim';
  if (hint === 'privategroup' || hint === 'group') return 'group';
  if (hint === 'channel') return 'channel';
  return channelId.startsWith('G') ? 'group' : undefined;
}

export function requesterFor(args: { channel: string; channelType?: string; user?: string; requestId: string; userGroups?: string[] }): Requester {
  return {
    source: 'slack',
    channel: args.channel,
    ...(args.channelType ? { channelType: args.channelType } : {}),
    ...(args.user ? { user: args.user } : {}),
    ...(args.userGroups ? { userGroups: args.userGroups } : {}),
    requestId: args.requestId,
  };
}

// STUB: owned by the live-truth work (issue 3).
import type { Context } from '../diagnosis/types.js';
import type { Authorizer, Requester } from '../policy/types.js';
import type { LiveFacts } from './types.js';

export interface LiveOptions {
  live: boolean;
  probe: boolean;
  requester: Requester;
  /** Asked once per feature before any AWS call or socket. */
  authorizer: Authorizer;
}

/** Injected collaborators: the state store for the cache, clients, timeouts. All optional with sane defaults. */
export interface LiveDeps {
  [key: string]: unknown;
}

export async function gatherLive(context: Context, options: LiveOptions, deps?: LiveDeps): Promise<LiveFacts> {
  void context; void options; void deps;
  return { errors: ['live checks are not implemented yet'] };
}

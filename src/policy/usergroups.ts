import type { Logger } from '../log.js';
import type { Store } from '../state/store.js';

/** The one Web API method used; a Bolt `WebClient` fits. Needs the `usergroups:read` scope. */
export interface UserGroupsApi {
  usergroups: {
    users: {
      list(args: { usergroup: string }): Promise<{ ok?: boolean; users?: string[]; error?: string }>;
    };
  };
}

export interface UserGroupResolverOptions {
  client: UserGroupsApi;
  store: Store;
  /** The user-group ids the policy mentions (`authorizer.userGroupIds`). Empty: nothing is ever fetched. */
  groupIds: string[];
  /** How long a group's member list is trusted (default 5 min): a removal from a group takes effect within it. */
  ttlMs?: number;
  logger?: Logger;
  keyPrefix?: string;
}

export interface UserGroupResolver {
  /**
   * The policy's user groups the user belongs to, for `Requester.userGroups`. Undefined when the membership
   * could not be read at all (the policy then treats the user as in no group, and says it could not check).
   */
  groupsOf(userId: string): Promise<string[] | undefined>;
}

const DEFAULT_TTL_MS = 5 * 60_000;

/**
 * Resolves membership only for the groups the policy names, one `usergroups.users.list` per group per TTL,
 * cached in the shared Store (so several replicas share it) and coalesced within this process.
 */
export function createUserGroupResolver(opts: UserGroupResolverOptions): UserGroupResolver {
  const ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
  const prefix = opts.keyPrefix ?? 'rd:policy:usergroup:';
  const inFlight = new Map<string, Promise<string[] | undefined>>();

  async function fetchMembers(groupId: string): Promise<string[] | undefined> {
    const key = `${prefix}${groupId}`;
    try {
      const cached = await opts.store.get(key);
      if (cached !== null) return JSON.parse(cached) as string[];
    } catch (err) {
      opts.logger?.warn({ usergroup: groupId, err: (err as Error).message }, 'user-group cache unreadable; asking Slack');
    }
    try {
      const res = await opts.client.usergroups.users.list({ usergroup: groupId });
      if (res.ok === false) throw new Error(res.error ?? 'not ok');
      const users = Array.isArray(res.users) ? res.users.filter((u): u is string => typeof u === 'string') : [];
      await opts.store.set(key, JSON.stringify(users), ttlMs).catch(() => undefined);
      return users;
    } catch (err) {
      // Slack's error code (missing_scope, no_such_subteam, ...) is safe to log; the token never is.
      const code = (err as { data?: { error?: string } }).data?.error ?? (err as Error).message;
      opts.logger?.warn({ usergroup: groupId, error: code }, 'could not read Slack user-group members; the policy treats the user as not a member');
      return undefined;
    }
  }

  function members(groupId: string): Promise<string[] | undefined> {
    let p = inFlight.get(groupId);
    if (!p) {
      p = fetchMembers(groupId).finally(() => inFlight.delete(groupId));
      inFlight.set(groupId, p);
    }
    return p;
  }

  return {
    async groupsOf(userId: string): Promise<string[] | undefined> {
      if (opts.groupIds.length === 0) return [];
      const lists = await Promise.all(opts.groupIds.map(async (g) => [g, await members(g)] as const));
      if (lists.every(([, users]) => users === undefined)) return undefined;
      return lists.filter(([, users]) => users?.includes(userId)).map(([g]) => g);
    },
  };
}

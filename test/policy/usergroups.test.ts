import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createUserGroupResolver, type UserGroupsApi } from '../../src/policy/usergroups.js';
import { MemoryStore } from '../../src/state/memory.js';
import { DEFAULT_BOT_TOKEN, FakeSlack } from '../helpers/fake-slack.js';

describe('user-group resolver (real WebClient, fake Slack Web API)', () => {
  let slack: FakeSlack;
  let client: UserGroupsApi;

  beforeAll(async () => {
    slack = await FakeSlack.start({ userGroups: { S0ONCALL001: ['UANA000001', 'UCAL000001'], S0DBA000001: ['UBOB000001'] } });
    client = new webApi.WebClient(DEFAULT_BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  });
  afterAll(async () => slack.stop());

  it('returns the policy groups a user is in, asking Slack once per group and caching in the store', async () => {
    const before = slack.callsTo('usergroups.users.list').length;
    const resolver = createUserGroupResolver({ client, store: new MemoryStore(), groupIds: ['S0ONCALL001', 'S0DBA000001'] });
    // Concurrent look-ups coalesce; later ones read the cache.
    const [ana, bob] = await Promise.all([resolver.groupsOf('UANA000001'), resolver.groupsOf('UBOB000001')]);
    expect(ana).toEqual(['S0ONCALL001']);
    expect(bob).toEqual(['S0DBA000001']);
    expect(await resolver.groupsOf('UZED000001')).toEqual([]);
    const calls = slack.callsTo('usergroups.users.list').slice(before);
    expect(calls.map((c) => c.params.usergroup).sort()).toEqual(['S0DBA000001', 'S0ONCALL001']);
  });

  it('shares the cache through the store across resolvers (replicas)', async () => {
    const store = new MemoryStore();
    await createUserGroupResolver({ client, store, groupIds: ['S0ONCALL001'] }).groupsOf('UANA000001');
    const before = slack.callsTo('usergroups.users.list').length;
    expect(await createUserGroupResolver({ client, store, groupIds: ['S0ONCALL001'] }).groupsOf('UCAL000001')).toEqual(['S0ONCALL001']);
    expect(slack.callsTo('usergroups.users.list').length).toBe(before);
  });

  it('asks Slack nothing when the policy names no user groups', async () => {
    const before = slack.callsTo('usergroups.users.list').length;
    expect(await createUserGroupResolver({ client, store: new MemoryStore(), groupIds: [] }).groupsOf('UANA000001')).toEqual([]);
    expect(slack.callsTo('usergroups.users.list').length).toBe(before);
  });

  it('answers "unknown" (undefined) when Slack refuses, logging the Slack error code but never the token', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (s: string) => void lines.push(s) });
    const resolver = createUserGroupResolver({ client, store: new MemoryStore(), groupIds: ['S0GONE00001'], logger });
    expect(await resolver.groupsOf('UANA000001')).toBeUndefined();
    expect(lines.join('')).toContain('no_such_subteam');
    expect(lines.join('')).not.toContain(DEFAULT_BOT_TOKEN);
    // One group readable, one not: the readable one still counts.
    const partial = createUserGroupResolver({ client, store: new MemoryStore(), groupIds: ['S0GONE00001', 'S0ONCALL001'] });
    expect(await partial.groupsOf('UANA000001')).toEqual(['S0ONCALL001']);
  });
});

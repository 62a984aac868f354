// What the app registers with Slack, in one place: manifest.yml must say the same (a test checks it).

export const SLASH_COMMAND = '/redis-diagnose';

/** Bot events as the manifest subscribes to them. Bolt receives both message.* kinds as `message`. */
export const BOT_EVENTS = ['app_mention', 'message.channels', 'message.groups'] as const;

/** The OAuth scope each Web API method the bot calls needs (auth.test needs none). */
export const SCOPES_BY_METHOD: Record<string, string[]> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'reactions.add': ['reactions:write'],
  'reactions.remove': ['reactions:write'],
  // files.uploadV2 = getUploadURLExternal + upload + completeUploadExternal ("Show Terraform" as a snippet).
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
  // A mention inside a thread reads the thread's earlier messages (the paste is usually the parent).
  'conversations.replies': ['channels:history', 'groups:history'],
  // Only when the policy restricts features to Slack user groups (src/policy/usergroups.ts).
  'usergroups.users.list': ['usergroups:read'],
};

/** Scopes needed by what Slack sends us rather than by calls we make. */
export const SCOPES_BY_FEATURE: Record<string, string[]> = {
  'slash command': ['commands'],
  'message.channels': ['channels:history'],
  'message.groups': ['groups:history'],
  app_mention: ['app_mentions:read'],
  // Snippets and text files pasted as files: url_private is downloaded with the bot token.
  'file download': ['files:read'],
};

/** Every bot scope the app needs, and no more. */
export const REQUIRED_BOT_SCOPES: string[] = [
  ...new Set([...Object.values(SCOPES_BY_METHOD).flat(), ...Object.values(SCOPES_BY_FEATURE).flat()]),
].sort();

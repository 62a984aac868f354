import { z } from 'zod';
import type { Feature } from './types.js';

/**
 * The policy file's shape. Every error message is written for the operator who edits the YAML:
 * it says what is wrong with the value and what a right one looks like.
 */

export const FEATURES: readonly Feature[] = ['diagnose', 'live', 'probe', 'terraform'];

/** Features that touch infrastructure: a binding granting one must say which accounts, regions and groups. */
export const SCOPED_FEATURES: readonly Feature[] = ['live', 'probe', 'terraform'];

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v === null || v === undefined ? 'an empty value' : JSON.stringify(v) ?? String(v));

const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;
const USER_GROUP_ID = /^S[A-Z0-9]{6,}$/;
const ACCOUNT_ID = /^\d{12}$/;
/** us-east-1, ap-northeast-1, us-gov-west-1, cn-northwest-1, eu-central-2 ... */
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-\d$/;
/** ElastiCache ids: letters, digits, hyphens, at most 40 characters; `*` is a glob. */
const GROUP_PATTERN = /^[A-Za-z0-9*-]{1,40}$/;
const REGION_GLOB = /^[a-z0-9-]*\*[a-z0-9*-]*$/;

function listOf<T extends z.ZodType>(item: T, what: string, example: string) {
  // A single value is accepted as a one-item list (`channels: "*"`): a common and harmless shorthand.
  return z.preprocess(
    (v) => (typeof v === 'string' || typeof v === 'number' ? [v] : v),
    z
      .array(item, {
        error: (iss) => (iss.input === undefined ? `missing; list ${what}, like ${example}` : `must be a list of ${what}, like ${example}`),
      })
      .min(1, { error: `is empty; list ${what}, like ${example}` }),
  );
}

const channel = z.string({ error: (iss) => `${show(iss.input)} is not a Slack channel id; use an id like C0123456789, or "*"` }).refine(
  (v) => v === '*' || CHANNEL_ID.test(v),
  {
    error: (iss) => {
      const v = String(iss.input);
      if (v.startsWith('#')) return `${show(v)} is a channel name; use the channel's id (like C0123456789), shown at the bottom of the channel's About tab`;
      return `${show(v)} is not a Slack channel id; use an id like C0123456789, or "*" for every channel the bot is in`;
    },
  },
);

const userGroup = z.string({ error: (iss) => `${show(iss.input)} is not a Slack user-group id; use an id like S0123456789` }).refine((v) => USER_GROUP_ID.test(v), {
  error: (iss) => {
    const v = String(iss.input);
    if (v.startsWith('@')) return `${show(v)} is a user-group handle; use the group's id (like S0123456789), from its page in Slack or usergroups.list`;
    return `${show(v)} is not a Slack user-group id; use an id like S0123456789`;
  },
});

const account = z.string({ error: (iss) => `${show(iss.input)} is not an AWS account id; use 12 digits in quotes, like "123456789012", or "*"` }).refine(
  (v) => v === '*' || ACCOUNT_ID.test(v),
  { error: (iss) => `${show(iss.input)} is not an AWS account id; use 12 digits in quotes, like "123456789012", or "*"` },
);

const region = z.string({ error: (iss) => `${show(iss.input)} is not an AWS region; use a region like ap-northeast-1, or a pattern like "eu-*"` }).refine(
  (v) => REGION.test(v) || REGION_GLOB.test(v),
  { error: (iss) => `${show(iss.input)} is not an AWS region; use a region like ap-northeast-1, or a pattern like "eu-*"` },
);

const group = z.string({ error: (iss) => `${show(iss.input)} is not a group id pattern; use letters, digits, hyphens and *, like "prd-*"` }).refine(
  (v) => GROUP_PATTERN.test(v),
  { error: (iss) => `${show(iss.input)} is not a group id pattern; use letters, digits, hyphens and * (at most 40 characters), like "prd-*"` },
);

const feature = z.enum(['diagnose', 'live', 'probe', 'terraform'], {
  error: (iss) => `${show(iss.input)} is not a feature; use one of ${FEATURES.join(', ')}`,
});

const text = (what: string) =>
  z.string({ error: (iss) => (iss.input === undefined ? `missing; ${what}` : `must be text; ${what}`) }).trim().min(1, { error: `is empty; ${what}` });

export const bindingSchema = z
  .strictObject({
    name: text('a short name shown in replies and logs, like platform-support').optional(),
    channels: listOf(channel, 'Slack channel ids or "*"', '[C0123456789]'),
    userGroups: listOf(userGroup, 'Slack user-group ids', '[S0123456789]').optional(),
    accounts: listOf(account, 'AWS account ids or "*"', '["123456789012"]').optional(),
    regions: listOf(region, 'AWS regions or "*"', '[ap-northeast-1]').optional(),
    groups: listOf(group, 'replication group id patterns', '["prd-*"]').optional(),
    features: listOf(feature, `features (${FEATURES.join(', ')})`, '[diagnose, live]'),
  })
  .superRefine((b, ctx) => {
    const scoped = b.features.filter((f) => SCOPED_FEATURES.includes(f));
    if (scoped.length === 0) return;
    const needs: [keyof typeof b, string][] = [
      ['accounts', 'the AWS account ids it may look up, or ["*"]'],
      ['regions', 'the AWS regions, or ["*"]'],
      ['groups', 'the replication group id patterns, like ["prd-*"], or ["*"]'],
    ];
    for (const [key, what] of needs) {
      if (b[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `missing; this binding grants ${scoped.join(', ')}, so list ${what}` });
    }
  });

export const policySchema = z.strictObject({
  contact: text('say who to ask for access, like "#platform-infra" or "@alice"').optional(),
  defaults: z
    .strictObject({
      account: account.optional(),
    }, { error: (iss) => (iss.code === 'invalid_type' ? 'must be a mapping, like `account: "123456789012"`' : undefined) })
    .optional(),
  bindings: z.array(bindingSchema, {
    error: (iss) => (iss.input === undefined ? 'missing; list the bindings, or write `bindings: []` for paste-only everywhere' : 'must be a list of bindings (each starts with "- channels: ...")'),
  }),
}, { error: (iss) => (iss.code === 'invalid_type' ? 'the policy must be a YAML mapping with `bindings:` (and optionally `contact:` and `defaults:`)' : undefined) });

export type PolicyInput = z.infer<typeof policySchema>;
export type BindingInput = z.infer<typeof bindingSchema>;

/** The known keys per object, to suggest a correction for a typo. */
export const KNOWN_KEYS = {
  root: ['contact', 'defaults', 'bindings'],
  binding: ['name', 'channels', 'userGroups', 'accounts', 'regions', 'groups', 'features'],
  defaults: ['account'],
} as const;

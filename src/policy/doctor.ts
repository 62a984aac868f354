import { basename } from 'node:path';
import { PolicyError, loadPolicyFile } from './load.js';
import type { Policy } from './model.js';
import { REGION, SCOPED_FEATURES } from './schema.js';
import { accountOfRole } from './target.js';

export interface PolicyCheck {
  /** False when the bot would refuse to start with this file. */
  ok: boolean;
  /** One line each: errors (with file:line and field), then what the policy means and warnings. */
  messages: string[];
}

/**
 * For `redis-diagnose doctor`: validates the policy file and says, in a few lines, what it will do.
 * Warnings do not make `ok` false: they point at bindings that are likely to surprise.
 */
export function checkPolicyFile(
  path: string,
  opts: { supportChannels?: string[]; accountRoles?: Record<string, string>; /** POLICY_FILE was set explicitly: missing is an error. */ explicit?: boolean } = {},
): PolicyCheck {
  let loaded: ReturnType<typeof loadPolicyFile>;
  try {
    loaded = loadPolicyFile(path);
  } catch (err) {
    if (err instanceof PolicyError) return { ok: false, messages: err.errors };
    return { ok: false, messages: [`${basename(path)}: ${(err as Error).message}`] };
  }
  if (!loaded.policy && opts.explicit) {
    return { ok: false, messages: [`POLICY_FILE=${path}: no such file; the bot will not start (unset POLICY_FILE to run with the safe defaults)`] };
  }
  if (!loaded.policy) {
    const support = opts.supportChannels?.length ? opts.supportChannels.join(', ') : 'none set';
    return {
      ok: true,
      messages: [
        `${path}: not found; the safe defaults apply: paste-only diagnosis everywhere, live look-ups, probes and Terraform only in SUPPORT_CHANNELS (${support}), direct messages paste-only. Copy policy.example.yml to write a policy.`,
      ],
    };
  }
  return { ok: true, messages: [summary(loaded.policy), ...warnings(loaded.policy, opts.accountRoles ?? {})] };
}

function summary(p: Policy): string {
  const n = p.bindings.length;
  return `${p.source}: valid, ${n} binding${n === 1 ? '' : 's'}${p.contact ? `, contact ${p.contact}` : ''}`;
}

function warnings(p: Policy, accountRoles: Record<string, string>): string[] {
  const out: string[] = [];
  const where = (i: number, line?: number) => `${p.source}${line ? `:${line}` : ''} bindings[${i}]`;
  if (p.bindings.length === 0) out.push(`${p.source}: warning: no bindings; every channel is paste-only`);
  if (!p.contact) out.push(`${p.source}: warning: no contact; denials will say "ask the team that runs this bot" (set contact: or POLICY_CONTACT)`);
  // Only roles keyed by region tell which account a look-up lands in (see target.ts).
  const roleAccounts = Object.entries(accountRoles).filter(([key]) => REGION.test(key)).map(([, arn]) => accountOfRole(arn)).filter(Boolean);
  for (const b of p.bindings) {
    const scoped = b.features.filter((f) => SCOPED_FEATURES.includes(f));
    if (scoped.length === 0) continue;
    if (b.channels.includes('*') && b.accounts.includes('*') && b.groups.includes('*'))
      out.push(`${where(b.index, b.line)}: warning: every channel may use ${scoped.join(', ')} on every group in every account`);
    if (!b.accounts.includes('*') && !p.defaults.account && roleAccounts.length === 0)
      out.push(`${where(b.index, b.line)}: warning: limited to accounts ${b.accounts.join(', ')}, but the bot cannot tell which account a look-up reaches: set defaults.account (the bot's own account) or map regions in ACCOUNT_ROLES`);
    if (b.features.includes('terraform') && !b.features.includes('live'))
      out.push(`${where(b.index, b.line)}: warning: grants terraform without live; the Terraform diff will be planned from the paste alone`);
  }
  return out;
}

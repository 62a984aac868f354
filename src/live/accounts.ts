/**
 * ACCOUNT_ROLES: which IAM role to assume for a look-up. Keys are 12-digit account ids or region names; an
 * account mapping wins over a region mapping; with neither, the bot's own credentials are used.
 */
const ROLE_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@\/-]+$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(?:-gov)?-[a-z]+-\d+$/;

export interface RoleChoice {
  roleArn?: string;
  /** Why this role (or none): `account 123456789012`, `region eu-west-1`, `own credentials`. */
  via: string;
  /** An account id was known but has no mapping while other accounts do. */
  unmappedAccount?: string;
}

export function chooseRole(roles: Record<string, string>, target: { accountId?: string; region?: string }): RoleChoice {
  if (target.accountId && roles[target.accountId]) return { roleArn: roles[target.accountId], via: `account ${target.accountId}` };
  if (target.region && roles[target.region]) return { roleArn: roles[target.region], via: `region ${target.region}` };
  const mapsAccounts = Object.keys(roles).some((k) => ACCOUNT.test(k));
  return {
    via: "the bot's own credentials",
    ...(target.accountId && mapsAccounts ? { unmappedAccount: target.accountId } : {}),
  };
}

/**
 * Parses ACCOUNT_ROLES: a JSON object (`{"123456789012":"arn:aws:iam::123456789012:role/x"}`) or a comma list
 * (`123456789012=arn:...,eu-west-1=arn:...`). Returns the problems instead of throwing: bad input gets a clear answer.
 */
export function parseAccountRoles(text: string | undefined): { roles: Record<string, string>; problems: string[] } {
  const roles: Record<string, string> = {};
  const problems: string[] = [];
  const raw = (text ?? '').trim();
  if (!raw) return { roles, problems };
  let pairs: [string, unknown][] = [];
  if (raw.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) pairs = Object.entries(parsed);
      else problems.push('ACCOUNT_ROLES must be a JSON object of account id or region to role ARN.');
    } catch {
      problems.push('ACCOUNT_ROLES looks like JSON but does not parse.');
    }
  } else {
    pairs = raw.split(',').map((p) => p.trim()).filter(Boolean).map((p) => {
      const i = p.indexOf('=');
      return i < 0 ? [p, undefined] : [p.slice(0, i).trim(), p.slice(i + 1).trim()];
    });
  }
  for (const [key, value] of pairs) {
    if (!ACCOUNT.test(key) && !REGION.test(key)) {
      problems.push(`ACCOUNT_ROLES key "${key}" is neither a 12-digit account id nor a region name.`);
    } else if (typeof value !== 'string' || !ROLE_ARN.test(value)) {
      problems.push(`ACCOUNT_ROLES value for ${key} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>).`);
    } else {
      roles[key] = value;
    }
  }
  return { roles, problems };
}

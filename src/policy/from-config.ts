import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { createAuthorizer } from './default.js';
import { PolicyError, loadPolicyFile } from './load.js';
import type { Policy } from './model.js';
import type { Authorizer } from './types.js';

export type PolicyConfig = Pick<Config, 'policyFile' | 'policyContact' | 'supportChannels' | 'accountRoles'> & { policyFileExplicit?: boolean };

/**
 * For main.ts: loads POLICY_FILE and builds the bot's authorizer. Throws PolicyError (one line per mistake) when
 * the file has mistakes, or when POLICY_FILE was set explicitly and the file is missing: never start on a
 * policy other than the one the operator meant. A missing default `policy.yml` means the safe defaults.
 */
export function authorizerFromConfig(config: PolicyConfig, deps: { logger?: Logger; metrics?: Pick<Metrics, 'policyDecisions'> } = {}): { authorizer: Authorizer; policy?: Policy } {
  const { policy, missing } = loadPolicyFile(config.policyFile);
  if (missing && config.policyFileExplicit) {
    throw new PolicyError([`POLICY_FILE=${config.policyFile}: no such file (unset POLICY_FILE to run with the safe defaults)`]);
  }
  if (policy) {
    deps.logger?.info({ policyFile: policy.source, bindings: policy.bindings.length }, 'policy loaded');
  } else {
    deps.logger?.info(
      { policyFile: config.policyFile, supportChannels: config.supportChannels },
      'no policy file: safe defaults (paste-only everywhere; live, probe and terraform only in SUPPORT_CHANNELS; DMs paste-only)',
    );
  }
  const authorizer = createAuthorizer({
    ...(policy ? { policy } : {}),
    supportChannels: config.supportChannels,
    ...(config.policyContact ? { contact: config.policyContact } : {}),
    accountRoles: config.accountRoles,
    ...deps,
  });
  return { authorizer, ...(policy ? { policy } : {}) };
}

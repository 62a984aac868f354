import type { LiveDeps } from './live/index.js';

/** Live collaborators for the CLI, from the environment (region, ACCOUNT_ROLES, PROBE_ALLOWED_HOSTS). */
export function buildLiveDeps(env: NodeJS.ProcessEnv): LiveDeps | undefined {
  void env;
  return undefined;
}

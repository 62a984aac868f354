import { createLiveDeps, liveSettingsFromEnv, type LiveDeps } from './live/index.js';

/** Live collaborators for the CLI, from the environment (AWS_REGION, ACCOUNT_ROLES, PROBE_ALLOWED_HOSTS/PORTS). */
export function buildLiveDeps(env: NodeJS.ProcessEnv): LiveDeps {
  const { settings, problems } = liveSettingsFromEnv(env);
  for (const p of problems) process.stderr.write(`redis-diagnose: ${p}\n`);
  return createLiveDeps(settings);
}

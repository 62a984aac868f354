// Owned by the shipping work (issue 6): loadConfig validates every variable with zod. The type is the contract.
export interface Config {
  slack: {
    botToken: string;
    /** xapp- token: when set, Socket Mode. */
    appToken?: string;
    /** Required in HTTP mode. */
    signingSecret?: string;
    /** Web API base URL override (tests point it at a local fake). */
    apiUrl?: string;
  };
  port: number;
  supportChannels: string[];
  redisUrl?: string;
  /** AWS account id or region -> IAM role ARN to assume for look-ups. */
  accountRoles: Record<string, string>;
  /** Host-name suffixes, exact names or IPs the probe may dial. */
  probeAllowedHosts: string[];
  /** Extra ports the probe may dial besides 6379/6380. */
  probeAllowedPorts: number[];
  terraformDir?: string;
  policyFile: string;
  /** Who to ask when the policy denies something (shown in replies). */
  policyContact?: string;
  logLevel: string;
}

/** Facts read from AWS about one replication group (or serverless cache). Null = AWS did not say. */
export interface GroupFacts {
  kind: 'replication-group' | 'serverless';
  replicationGroupId: string;
  region: string;
  /** From the ARN. */
  accountId?: string;
  arn?: string;
  status?: string;
  transitEncryptionEnabled: boolean | null;
  transitEncryptionMode: 'preferred' | 'required' | null;
  pendingTransitEncryptionEnabled?: boolean | null;
  pendingTransitEncryptionMode?: 'preferred' | 'required' | null;
  atRestEncryptionEnabled: boolean | null;
  authTokenEnabled: boolean | null;
  authTokenLastModifiedDate?: string | null;
  userGroupIds: string[];
  clusterEnabled: boolean | null;
  clusterMode?: string | null;
  nodeType?: string | null;
  numNodeGroups?: number | null;
  replicasPerNodeGroup?: number | null;
  globalReplicationGroupId?: string | null;
  engine: string | null;
  engineVersion: string | null;
  endpoints: { role: 'primary' | 'reader' | 'configuration' | 'serverless'; host: string; port: number }[];
  memberClusters: string[];
  /** Member node host names (cluster mode disabled groups list them). */
  nodeEndpoints?: string[];
  /** Tags, when the caller could read them (used for the CloudFormation stack hint). */
  tags?: Record<string, string>;
}

export type ProbeStatus = 'ok' | 'handshake-failed' | 'reset' | 'timeout' | 'refused' | 'auth-required' | 'blocked' | 'error';

export interface ProbeAttempt {
  status: ProbeStatus;
  detail: string;
  /** TLS attempts only: whether the certificate chain is trusted and valid for the name dialed. */
  certificate?: {
    trusted: boolean;
    reason?: string;
    /** The chain verifies against the bot's CA store (Node's authorizationError is empty). */
    chainTrusted?: boolean;
    /** The certificate is valid for the host name dialed (tls.checkServerIdentity). */
    hostnameMatches?: boolean;
  };
  ms?: number;
}

/** RESP-level facts read with ioredis over the transport that worked. */
export interface RespFacts {
  transport: 'plaintext' | 'tls';
  /** The server wants AUTH before commands (NOAUTH). */
  authRequired?: boolean;
  /** `cluster_enabled:1` in INFO cluster: clients must be cluster-aware. */
  clusterEnabled?: boolean;
  /** `redis_version` / `valkey_version` from INFO server, when readable without AUTH. */
  serverVersion?: string;
  detail?: string;
}

export interface ProbeResult {
  endpoint: string;
  plaintext: ProbeAttempt;
  tls: ProbeAttempt;
  /** What the endpoint speaks, concluded from the two attempts. */
  speaks?: 'plaintext' | 'tls' | 'both' | 'nothing' | 'unknown';
  /** The address actually dialed (resolved once, then dialed: no second DNS answer in between). */
  address?: string;
  resp?: RespFacts;
}

export interface LiveFacts {
  group?: GroupFacts;
  probe?: ProbeResult;
  /** What could not be checked, in words a person reads (never a stack trace, never a secret). */
  errors: string[];
  /** Policy denials and what they left unchecked. */
  denied?: string[];
  /** How facts were found, when worth saying (by endpoint search, through an assumed role, from cache). */
  notes?: string[];
}

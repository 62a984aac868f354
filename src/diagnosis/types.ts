import type { CauseId, Confidence } from './causes.js';

/** A signature matched in the text. `evidence` is the matched line, already redacted. */
export interface Finding {
  cause: CauseId;
  signature: string;
  evidence: string;
  client?: string;
  /** 0-based line number in the normalized text, for ordering and for "read the whole trace". */
  line?: number;
}

export interface Endpoint {
  host: string;
  port?: number;
}

export type EndpointKind = 'primary' | 'reader' | 'configuration' | 'node' | 'serverless' | 'unknown';

/** What the text says about where and how the client connected. */
export interface Context {
  endpoint?: Endpoint;
  replicationGroupId?: string;
  /** Member cache cluster / node id, e.g. prd-redis-001. */
  cacheClusterId?: string;
  /** Serverless cache name. */
  serverlessCacheName?: string;
  region?: string;
  /** AWS account id, when the text shows one (an ARN). Chooses the role from ACCOUNT_ROLES. */
  accountId?: string;
  /** AWS partition host suffix seen: cache.amazonaws.com or cache.amazonaws.com.cn */
  partition?: 'aws' | 'aws-cn';
  endpointKind?: EndpointKind;
  /** `tls` = the ElastiCache host name is the TLS style (master./replica./clustercfg.); `plaintext` = the ng.0001 style. */
  hostStyle?: 'tls' | 'plaintext' | 'serverless';
  scheme?: 'redis' | 'rediss';
  /** True when the client is known to speak TLS (rediss://, ssl=True, --tls, TLSSocket frames...). */
  tls?: boolean;
  client?: string;
  language?: string;
  /** Why the text is about Redis (client in stack, port, host, URL, reply words). Empty = no Redis context. */
  redisContext: string[];
  /** What a non-Redis text looks like instead (HTTPS call, PostgreSQL, Kafka, ...). */
  looksLike?: string;
}

/** The conclusion drawn from the paste (and, later, live facts). */
export interface Diagnosis {
  cause: CauseId;
  confidence: Confidence;
  summary: string;
  /** Why this cause, in short sentences a person reads. */
  reasons: string[];
  /** Other causes that still fit, and what would decide between them. */
  alternatives: string[];
  /** What would decide an undecided case: the live check, the probe, a question back. */
  nextChecks: string[];
}

export interface NormalizedText {
  text: string;
  /** True when the input was longer than the analysis cap and cut. */
  truncated: boolean;
  originalLength: number;
  notes: string[];
}

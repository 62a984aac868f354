import type { Signature } from './types.js';

/** Replies that show the topology does not fit the client (cluster mode, replicas). */
export const CLUSTER: Signature[] = [
  {
    id: 'resp-moved',
    cause: 'cluster-redirect', family: 'cluster',
    keywords: ['moved '],
    pattern: /\bMOVED \d{1,5} \S{3,300}/,
    weight: 3, redisContext: true,
    example: "MOVED 15495 127.0.0.1:38413",
    fixture: "go/go-redis/cluster-redirect-moved.txt",
    explain: 'The key lives on another shard: the group has cluster mode enabled and the client is not a cluster client.',
  },
  {
    id: 'resp-ask',
    cause: 'cluster-redirect', family: 'cluster',
    keywords: ['ask '],
    pattern: /\bASK \d{1,5} [\w.:[\]-]{3,300}/,
    weight: 2, redisContext: true,
    example: 'ASK 3999 127.0.0.1:6381',
    fixture: "cited: Redis Cluster specification, ASK redirection",
    explain: 'A slot is migrating and the client does not follow cluster redirects.',
  },
  {
    id: 'resp-crossslot',
    cause: 'cluster-crossslot', family: 'cluster',
    keywords: ['crossslot', "keys in request don't hash to the same slot"],
    pattern: /\bCROSSSLOT\b[^\n]{0,120}|Keys in request don't hash to the same slot/i,
    weight: 3, redisContext: true,
    example: "redis.exceptions.ResponseError: CROSSSLOT Keys in request don't hash to the same slot",
    fixture: "clients/redis-py/asyncio-cluster-crossslot.txt",
    explain: 'A multi-key command names keys in different hash slots; in cluster mode they must share a slot (use a {hash tag}).',
  },
  {
    id: 'resp-readonly',
    cause: 'readonly-replica', family: 'cluster',
    keywords: ['readonly', 'read only replica', 'read only slave'],
    pattern: /\bREADONLY\b[^\n]{0,120}|can'?t write against a read only (?:replica|slave)/,
    weight: 3, redisContext: true,
    example: "redis.exceptions.ReadOnlyError: You can't write against a read only replica.",
    fixture: "clients/celery/readonly-replica.txt",
    explain: 'A write reached a replica: the app uses the reader endpoint, or a node address that became a replica after a failover.',
  },
];

/** Texts that cannot be decided from the paste alone: they still count as Redis, and say what would decide. */
/** redis-rs and valkey-glide print server errors as `signalled by the server: - Moved: 14278 host:port`. */
CLUSTER.push({
  id: 'rs-signalled-moved',
  cause: 'cluster-redirect', family: 'cluster', language: 'rust',
  keywords: ['signalled by the server'],
  pattern: /signalled by the server:? -? ?(?:Moved|Ask):? \d{1,5}/i,
  weight: 3, redisContext: true,
  example: 'RequestError: An error was signalled by the server: - Moved: 14278 127.0.0.1:41709',
  fixture: "clients/valkey-glide/cluster-redirect.txt",
  explain: 'The key lives on another shard: the group has cluster mode enabled and the client is not a cluster client.',
});

export const UNDECIDABLE: Signature[] = [
  {
    id: 'tls-handshake-frame',
    cause: 'unknown', family: 'undecidable',
    keywords: ['starthandshake', 'readhandshakerecord', 'do_handshake()', 'sslerrorwaitreadable'],
    pattern: /startHandshake|readHandshakeRecord|do_handshake|SSLErrorWaitReadable/,
    weight: 1,
    example: '\tat java.base/sun.security.ssl.SSLSocketImpl.startHandshake(SSLSocketImpl.java:455)',
    fixture: "java/jsse/no-redis-context-pkix.txt",
    explain: 'A stack frame inside the TLS handshake: a timeout raised here means TCP connected but the server never answered the ClientHello.',
  },
  {
    id: 'cluster-slots-refresh-failed',
    cause: 'unknown', family: 'undecidable',
    keywords: ['failed to refresh slots cache', 'could not initialize slots', 'clusterallfailederror', 'none of the startup nodes'],
    pattern: /Failed to refresh slots cache|could not initialize slots|ClusterAllFailedError|None of the startup nodes/i,
    weight: 1, redisContext: true,
    example: 'ClusterAllFailedError: Failed to refresh slots cache.',
    fixture: "clients/ioredis/cluster-client-auth-missing.txt",
    explain: 'A cluster client could not fetch the slot map from any node. The transport error behind it (TLS, network, auth) decides; the probe or the live check can tell.',
  },
  {
    id: 'max-retries-per-request',
    cause: 'unknown', family: 'undecidable', client: 'ioredis', language: 'node',
    keywords: ['maxretriesperrequesterror', 'reached the max retries per request limit'],
    pattern: /MaxRetriesPerRequestError|Reached the max retries per request limit/i,
    weight: 1, redisContext: true,
    example: "self.flushQueue(new errors_1.MaxRetriesPerRequestError(maxRetriesPerRequest));",
    fixture: "clients/ioredis/connection-refused.txt",
    explain: 'ioredis gave up on a command after reconnecting repeatedly; the first connection error above it is the cause.',
  },
  {
    id: 'lettuce-unable-to-connect',
    cause: 'unknown', family: 'undecidable', client: 'lettuce', language: 'java',
    keywords: ['redisconnectionexception: unable to connect to'],
    pattern: /RedisConnectionException: Unable to connect to/,
    weight: 1, redisContext: true,
    example: "Caused by: io.lettuce.core.RedisConnectionException: Unable to connect to AZJAPNAJERED13476SIT0001.redis.cache.windows.net/<unresolved>:6380",
    fixture: "cited/lettuce/dns-failure-unresolved.txt",
    explain: "Lettuce could not connect; the 'Caused by:' lines below it say why (TLS, network, DNS or AUTH).",
  },
  {
    id: 'connection-is-closed',
    cause: 'unknown', family: 'undecidable', client: 'ioredis', language: 'node',
    keywords: ['connection is closed'],
    pattern: /Connection is closed/i,
    weight: 1, redisContext: true,
    example: 'Error: Connection is closed.',
    fixture: "cited: redis/ioredis CONNECTION_CLOSED_ERROR_MSG (\"Connection is closed.\")",
    explain: "ioredis hides the real cause behind 'Connection is closed.'; the first 'error' event (ECONNREFUSED, ERR_SSL_..., ETIMEDOUT) says what happened.",
  },
];

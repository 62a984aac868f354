/**
 * Client libraries recognised in a paste. A client marker is also Redis context (TAXONOMY.md).
 * `rank`: wrappers (Celery, Bull, Sidekiq, Spring, Laravel) outrank the library under them,
 * because the fix goes where the user configures the connection.
 */
export interface ClientMarker {
  client: string;
  language: string;
  /** Lower-case literals. */
  keywords: string[];
  rank: number;
  /** A marker that names Redis itself (a plain "redis" in a stack is weaker than a package path). */
  label: string;
}

export const CLIENT_MARKERS: ClientMarker[] = [
  { client: 'celery', language: 'python', rank: 3, label: 'Celery/kombu', keywords: ['kombu.', 'kombu/', 'celery.', 'celery/', 'celery ', '[celery]'] },
  { client: 'redis-py', language: 'python', rank: 2, label: 'redis-py', keywords: ['redis.exceptions.', 'redis/connection.py', 'redis/asyncio', 'redis.asyncio', 'site-packages/redis/', 'dist-packages/redis/', 'redis/client.py', 'redis.client', 'import redis'] },
  { client: 'bull', language: 'node', rank: 3, label: 'Bull/BullMQ', keywords: ['node_modules/bull/', 'node_modules/bullmq/', 'bullmq', '/bull/lib/'] },
  { client: 'ioredis', language: 'node', rank: 2, label: 'ioredis', keywords: ['ioredis', '[ioredis]'] },
  { client: 'iovalkey', language: 'node', rank: 2, label: 'iovalkey', keywords: ['iovalkey'] },
  { client: 'valkey-glide', language: 'node', rank: 2, label: 'valkey-glide', keywords: ['valkey-glide', '@valkey/valkey-glide', 'glide-core', 'glideclient', 'glideclusterclient'] },
  { client: 'node-redis', language: 'node', rank: 2, label: 'node-redis', keywords: ['@redis/client', 'node_modules/redis/', 'socketclosedunexpectedlyerror', 'connectiontimeouterror'] },
  { client: 'spring-data-redis', language: 'java', rank: 3, label: 'Spring Data Redis', keywords: ['org.springframework.data.redis', 'redisconnectionfailureexception'] },
  { client: 'jedis', language: 'java', rank: 2, label: 'Jedis', keywords: ['redis.clients.jedis', 'jedisconnectionexception', 'jedisdataexception', 'jedis'] },
  { client: 'lettuce', language: 'java', rank: 2, label: 'Lettuce', keywords: ['io.lettuce', 'lettuce'] },
  { client: 'redisson', language: 'java', rank: 2, label: 'Redisson', keywords: ['org.redisson', 'redisson'] },
  { client: 'go-redis', language: 'go', rank: 2, label: 'go-redis', keywords: ['github.com/redis/go-redis', 'github.com/go-redis/redis', 'go-redis'] },
  { client: 'redigo', language: 'go', rank: 2, label: 'redigo', keywords: ['github.com/gomodule/redigo', 'redigo'] },
  { client: 'asynq', language: 'go', rank: 3, label: 'asynq', keywords: ['github.com/hibiken/asynq', 'asynq'] },
  { client: 'stackexchange-redis', language: 'dotnet', rank: 2, label: 'StackExchange.Redis', keywords: ['stackexchange.redis'] },
  { client: 'sidekiq', language: 'ruby', rank: 3, label: 'Sidekiq', keywords: ['sidekiq'] },
  { client: 'redis-rb', language: 'ruby', rank: 2, label: 'redis-rb / redis-client', keywords: ['redis::cannotconnecterror', 'redis::connectionerror', 'redis::timeouterror', 'redis::commanderror', 'redis::baseerror', 'redis::permissionerror', 'redisclient::', 'redis-client', 'gems/redis-', '/lib/redis/'] },
  { client: 'predis', language: 'php', rank: 2, label: 'Predis', keywords: ['predis\\', 'predis/'] },
  { client: 'laravel', language: 'php', rank: 3, label: 'Laravel', keywords: ['illuminate\\redis', 'illuminate/redis'] },
  { client: 'phpredis', language: 'php', rank: 1, label: 'phpredis', keywords: ['redisexception', 'redis->connect', 'redis->pconnect', 'phpredis', 'redis->auth'] },
  { client: 'redis-rs', language: 'rust', rank: 2, label: 'redis-rs', keywords: ['redis::types', 'redis::aio', 'redis-rs', 'rediserror', 'redis::cmd', 'redis::client'] },
  { client: 'redis-cli', language: 'shell', rank: 1, label: 'redis-cli', keywords: ['redis-cli', 'could not connect to redis at'] },
  { client: 'perl-redis', language: 'perl', rank: 1, label: 'Perl Redis', keywords: ['could not connect to redis server at', 'redis.pm'] },
];

/** Words that show the text is about Redis even without a known client (TAXONOMY.md "Redis context"). */
export const CONTEXT_MARKERS: { label: string; keywords: string[] }[] = [
  { label: 'a Redis port (6379/6380)', keywords: [':6379', ':6380', 'port 6379', 'port 6380', ' 6379', ' 6380'] },
  { label: 'a redis:// or rediss:// URL', keywords: ['redis://', 'rediss://', 'valkey://', 'valkeys://'] },
  { label: 'an ElastiCache host name', keywords: ['.cache.amazonaws.com'] },
  { label: 'a Memorystore or Azure Cache for Redis host name', keywords: ['.redis.cache.windows.net', 'memorystore', '.redislabs.com', '.redis-cloud.com', '.upstash.io'] },
  { label: 'the word Redis or Valkey', keywords: ['redis', 'valkey', 'elasticache'] },
  { label: 'a Redis reply (-ERR)', keywords: ['-err '] },
];

/** What a non-Redis text looks like instead, for the slash command's answer. First match wins. */
export const LOOKS_LIKE: { label: string; keywords: string[] }[] = [
  { label: 'a PostgreSQL connection error', keywords: ['postgres', 'psql', 'psycopg', 'pg_hba', 'sslmode', ':5432', 'libpq', 'jdbc:postgresql'] },
  { label: 'a MySQL/MariaDB connection error', keywords: ['mysql', 'mariadb', ':3306', 'jdbc:mysql'] },
  { label: 'a Kafka client error', keywords: ['kafka', ':9092', ':9094', 'librdkafka'] },
  { label: 'a RabbitMQ/AMQP error', keywords: ['amqp', 'rabbitmq', ':5672', ':5671'] },
  { label: 'a MongoDB error', keywords: ['mongodb', ':27017', 'mongoose'] },
  { label: 'a Memcached error', keywords: ['memcache', ':11211'] },
  { label: 'an HTTPS/HTTP call', keywords: ['https://', 'http://', 'curl', 'urllib', 'requests.exceptions', 'httpsconnectionpool', 'https.request', 'fetch failed', 'httpsurlconnection', 'axios', 'urlopen', 'http.client'] },
  { label: 'an SMTP/mail error', keywords: ['smtp', ':587', ':465'] },
  { label: 'an LDAP error', keywords: ['ldap'] },
];

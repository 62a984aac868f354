// Client-side changes, one small snippet per library, written for that library's real API.
// Secrets are never inlined: every snippet reads the token from the environment (REDIS_AUTH_TOKEN, REDIS_USER).
import type { ClientChange } from './types.js';

export interface SnippetOptions {
  /** The host name to dial (an ElastiCache endpoint name, never an IP). */
  host: string;
  port: number;
  tls: boolean;
  /** Cluster mode enabled: use the library's cluster client against the configuration endpoint. */
  cluster: boolean;
  /** 'token' = AUTH token (password only); 'rbac' = user name + password. */
  auth: 'none' | 'token' | 'rbac';
  /** Show the explicit CA bundle option (certificate trust problems). */
  caBundle: boolean;
}

interface Rendered { language: string; label: string; snippet: string; notes: string[] }

const CA = '/etc/ssl/certs/ca-certificates.crt';

function url(o: SnippetOptions, db = ''): string {
  return `${o.tls ? 'rediss' : 'redis'}://${o.host}:${o.port}${db}`;
}

const lines = (...l: (string | false | undefined)[]): string => l.filter((x): x is string => typeof x === 'string').join('\n');

const renderers: Record<string, (o: SnippetOptions) => Rendered> = {
  'redis-py': (o) => ({
    language: 'python', label: 'redis-py', notes: [],
    snippet: lines(
      o.auth !== 'none' && 'import os',
      o.cluster ? 'from redis.cluster import RedisCluster' : 'import redis',
      '',
      `r = ${o.cluster ? 'RedisCluster' : 'redis.Redis'}(`,
      `    host="${o.host}",`,
      `    port=${o.port},`,
      o.tls && '    ssl=True,',
      o.tls && '    ssl_cert_reqs="required",   # verify the certificate chain',
      o.tls && '    ssl_check_hostname=True,    # and that it is valid for the host name dialed',
      o.tls && o.caBundle && `    ssl_ca_certs="${CA}",  # the image's CA bundle`,
      o.auth === 'rbac' && '    username=os.environ["REDIS_USER"],',
      o.auth !== 'none' && '    password=os.environ["REDIS_AUTH_TOKEN"],',
      ')',
      !o.cluster && `# or: redis.from_url("${url(o, '/0')}${o.tls ? '?ssl_cert_reqs=required' : ''}"${o.auth !== 'none' ? ', password=os.environ["REDIS_AUTH_TOKEN"]' : ''})`,
    ),
  }),
  celery: (o) => ({
    language: 'python', label: 'Celery / kombu',
    notes: [
      ...(o.tls ? ['Celery refuses a rediss:// broker or result backend URL without ssl_cert_reqs; keep it `required`.'] : []),
      'Celery with Sentinel and TLS: broker_use_ssl covers the data connection only; the Sentinel connection needs its own TLS settings (broker_transport_options["sentinel_kwargs"]), see celery/celery#8016. ElastiCache has no Sentinel: point Celery at the primary endpoint instead.',
      ...(o.cluster ? ['kombu\'s Redis transport does not speak Redis Cluster: use a cluster-mode-disabled group for Celery.'] : []),
    ],
    snippet: lines(
      '# celeryconfig.py',
      'import os',
      'from urllib.parse import quote',
      '',
      o.auth === 'none'
        ? `broker_url = "${url(o, '/0')}${o.tls ? '?ssl_cert_reqs=required' : ''}"`
        : `broker_url = "${o.tls ? 'rediss' : 'redis'}://${o.auth === 'rbac' ? '%s' : ''}:%s@${o.host}:${o.port}/0${o.tls ? '?ssl_cert_reqs=required' : ''}" % (${o.auth === 'rbac' ? 'quote(os.environ["REDIS_USER"], safe=""), ' : ''}quote(os.environ["REDIS_AUTH_TOKEN"], safe=""))`,
      'result_backend = broker_url',
      o.tls && o.caBundle && `# with an explicit CA bundle: append &ssl_ca_certs=${CA} to both URLs`,
    ),
  }),
  ioredis: (o) => ({
    language: 'javascript', label: 'ioredis',
    notes: o.cluster && o.tls ? ['ioredis Cluster resolves node names to IPs before connecting; `dnsLookup` keeps the names so the TLS certificate matches.'] : [],
    snippet: o.cluster
      ? lines(
        'import { Cluster } from "ioredis";',
        o.tls && o.caBundle && 'import fs from "node:fs";',
        '',
        `const cluster = new Cluster([{ host: "${o.host}", port: ${o.port} }], {`,
        o.tls && '  dnsLookup: (address, callback) => callback(null, address),',
        '  redisOptions: {',
        o.tls && `    tls: {${o.caBundle ? ` ca: fs.readFileSync("${CA}")` : ''}},`,
        o.auth === 'rbac' && '    username: process.env.REDIS_USER,',
        o.auth !== 'none' && '    password: process.env.REDIS_AUTH_TOKEN,',
        '  },',
        '});',
      )
      : lines(
        'import { Redis } from "ioredis";',
        o.tls && o.caBundle && 'import fs from "node:fs";',
        '',
        'const redis = new Redis({',
        `  host: "${o.host}",`,
        `  port: ${o.port},`,
        o.tls && `  tls: {${o.caBundle ? ` ca: fs.readFileSync("${CA}")` : ''}},   // verified against Node's CA store; servername = host`,
        o.auth === 'rbac' && '  username: process.env.REDIS_USER,',
        o.auth !== 'none' && '  password: process.env.REDIS_AUTH_TOKEN,',
        '});',
        `// or: new Redis("${url(o)}")`,
      ),
  }),
  iovalkey: (o) => {
    const r = renderers.ioredis!(o);
    return { ...r, label: 'iovalkey', snippet: r.snippet.replace(/from "ioredis"/g, 'from "iovalkey"') };
  },
  'node-redis': (o) => ({
    language: 'javascript', label: 'node-redis', notes: [],
    snippet: o.cluster
      ? lines(
        'import { createCluster } from "redis";',
        '',
        'const cluster = createCluster({',
        `  rootNodes: [{ url: "${url(o)}" }],`,
        '  defaults: {',
        o.auth === 'rbac' && '    username: process.env.REDIS_USER,',
        o.auth !== 'none' && '    password: process.env.REDIS_AUTH_TOKEN,',
        o.tls && '    socket: { tls: true },',
        '  },',
        '});',
        'await cluster.connect();',
      )
      : lines(
        'import { createClient } from "redis";',
        o.tls && o.caBundle && 'import fs from "node:fs";',
        '',
        'const client = createClient({',
        `  url: "${url(o)}",${o.tls ? '   // rediss:// turns TLS on' : ''}`,
        o.auth === 'rbac' && '  username: process.env.REDIS_USER,',
        o.auth !== 'none' && '  password: process.env.REDIS_AUTH_TOKEN,',
        o.tls && o.caBundle && `  socket: { tls: true, ca: fs.readFileSync("${CA}") },`,
        '});',
        'await client.connect();',
      ),
  }),
  bull: (o) => ({
    language: 'javascript', label: 'Bull / BullMQ',
    notes: o.tls ? ['Bull ignores rediss:// in its own URL parser (OptimalBits/bull#2325): give ioredis `tls: {}` in the redis options.'] : [],
    snippet: lines(
      'const Queue = require("bull");',
      '',
      'const queue = new Queue("jobs", {',
      '  redis: {',
      `    host: "${o.host}",`,
      `    port: ${o.port},`,
      o.auth === 'rbac' && '    username: process.env.REDIS_USER,',
      o.auth !== 'none' && '    password: process.env.REDIS_AUTH_TOKEN,',
      o.tls && '    tls: {},',
      '  },',
      '});',
      `// BullMQ: new Queue("jobs", { connection: { host: "${o.host}", port: ${o.port}${o.tls ? ', tls: {}' : ''}${o.auth !== 'none' ? ', password: process.env.REDIS_AUTH_TOKEN' : ''} } })`,
    ),
  }),
  'valkey-glide': (o) => ({
    language: 'javascript', label: 'Valkey GLIDE (Node)', notes: [],
    snippet: lines(
      `import { ${o.cluster ? 'GlideClusterClient' : 'GlideClient'} } from "@valkey/valkey-glide";`,
      '',
      `const client = await ${o.cluster ? 'GlideClusterClient' : 'GlideClient'}.createClient({`,
      `  addresses: [{ host: "${o.host}", port: ${o.port} }],`,
      `  useTLS: ${o.tls},`,
      o.auth === 'token' && '  credentials: { password: process.env.REDIS_AUTH_TOKEN },',
      o.auth === 'rbac' && '  credentials: { username: process.env.REDIS_USER, password: process.env.REDIS_AUTH_TOKEN },',
      '});',
    ),
  }),
  jedis: (o) => ({
    language: 'java', label: 'Jedis',
    notes: o.tls ? ['Jedis checks the chain against the JVM truststore; the endpoint identification line makes it check the host name too.'] : [],
    snippet: lines(
      o.tls && 'SSLParameters tlsParams = new SSLParameters();',
      o.tls && 'tlsParams.setEndpointIdentificationAlgorithm("HTTPS");',
      'JedisClientConfig config = DefaultJedisClientConfig.builder()',
      o.tls && '    .ssl(true)',
      o.tls && '    .sslParameters(tlsParams)',
      o.auth === 'rbac' && '    .user(System.getenv("REDIS_USER"))',
      o.auth !== 'none' && '    .password(System.getenv("REDIS_AUTH_TOKEN"))',
      '    .build();',
      o.cluster
        ? `JedisCluster jedis = new JedisCluster(Set.of(new HostAndPort("${o.host}", ${o.port})), config);`
        : `JedisPooled jedis = new JedisPooled(new HostAndPort("${o.host}", ${o.port}), config);`,
      o.tls && o.caBundle && '// custom CA: -Djavax.net.ssl.trustStore=/path/to/truststore.jks (the default cacerts already trusts Amazon\'s roots)',
    ),
  }),
  lettuce: (o) => ({
    language: 'java', label: 'Lettuce / Spring Data Redis',
    notes: o.tls ? ['Spring Boot: spring.data.redis.ssl.enabled=true (Boot 3.1+), spring.redis.ssl=true (Boot 2.x).'] : [],
    snippet: lines(
      'RedisURI uri = RedisURI.builder()',
      `    .withHost("${o.host}")`,
      `    .withPort(${o.port})`,
      o.tls && '    .withSsl(true)                 // verifies chain and host name (SslVerifyMode.FULL)',
      o.auth === 'token' && '    .withPassword(System.getenv("REDIS_AUTH_TOKEN").toCharArray())',
      o.auth === 'rbac' && '    .withAuthentication(System.getenv("REDIS_USER"), System.getenv("REDIS_AUTH_TOKEN"))',
      '    .build();',
      o.cluster ? 'RedisClusterClient client = RedisClusterClient.create(uri);' : 'RedisClient client = RedisClient.create(uri);',
    ),
  }),
  redisson: (o) => ({
    language: 'java', label: 'Redisson', notes: [],
    snippet: lines(
      'Config config = new Config();',
      o.cluster
        ? `config.useClusterServers().addNodeAddress("${url(o)}")`
        : `config.useSingleServer().setAddress("${url(o)}")${o.tls ? '   // rediss:// = TLS' : ''}`,
      o.auth === 'rbac' && '    .setUsername(System.getenv("REDIS_USER"))',
      o.auth !== 'none' && '    .setPassword(System.getenv("REDIS_AUTH_TOKEN"))',
      '    ;',
      'RedissonClient redisson = Redisson.create(config);',
    ),
  }),
  'go-redis': (o) => ({
    language: 'go', label: 'go-redis', notes: [],
    snippet: lines(
      o.cluster ? 'rdb := redis.NewClusterClient(&redis.ClusterOptions{' : 'rdb := redis.NewClient(&redis.Options{',
      o.cluster ? `\tAddrs:     []string{"${o.host}:${o.port}"},` : `\tAddr:      "${o.host}:${o.port}",`,
      o.auth === 'rbac' && '\tUsername:  os.Getenv("REDIS_USER"),',
      o.auth !== 'none' && '\tPassword:  os.Getenv("REDIS_AUTH_TOKEN"),',
      o.tls && '\tTLSConfig: &tls.Config{MinVersion: tls.VersionTLS12}, // ServerName comes from the address',
      '})',
      !o.cluster && `// or: opt, err := redis.ParseURL("${url(o)}")`,
    ),
  }),
  asynq: (o) => ({
    language: 'go', label: 'asynq',
    notes: ['asynq negotiates TLS only when TLSConfig is set, and its ParseRedisURI accepts redis://, redis-socket:// and redis-sentinel:// but not rediss:// (hibiken/asynq ParseRedisURI). Every NewClient, NewServer, NewInspector and NewScheduler takes its own connection options: set TLSConfig in each.'],
    snippet: lines(
      o.cluster ? 'opt := asynq.RedisClusterClientOpt{' : 'opt := asynq.RedisClientOpt{',
      o.cluster ? `\tAddrs:     []string{"${o.host}:${o.port}"},` : `\tAddr:      "${o.host}:${o.port}",`,
      o.auth === 'rbac' && '\tUsername:  os.Getenv("REDIS_USER"),',
      o.auth !== 'none' && '\tPassword:  os.Getenv("REDIS_AUTH_TOKEN"),',
      o.tls && `\tTLSConfig: &tls.Config{ServerName: "${o.host}", MinVersion: tls.VersionTLS12},`,
      '}',
      'client := asynq.NewClient(opt)',
      'srv := asynq.NewServer(opt, asynq.Config{Concurrency: 10})',
    ),
  }),
  redigo: (o) => ({
    language: 'go', label: 'redigo', notes: o.cluster ? ['redigo has no cluster client: use go-redis ClusterClient (or redisc) for cluster mode.'] : [],
    snippet: lines(
      `conn, err := redis.Dial("tcp", "${o.host}:${o.port}",`,
      o.tls && `\tredis.DialUseTLS(true),`,
      o.tls && `\tredis.DialTLSConfig(&tls.Config{ServerName: "${o.host}", MinVersion: tls.VersionTLS12}),`,
      o.auth === 'rbac' && '\tredis.DialUsername(os.Getenv("REDIS_USER")),',
      o.auth !== 'none' && '\tredis.DialPassword(os.Getenv("REDIS_AUTH_TOKEN")),',
      ')',
    ),
  }),
  'stackexchange-redis': (o) => ({
    language: 'csharp', label: 'StackExchange.Redis', notes: [],
    snippet: lines(
      `var options = ConfigurationOptions.Parse("${o.host}:${o.port},ssl=${o.tls},abortConnect=false");`,
      o.auth === 'rbac' && 'options.User = Environment.GetEnvironmentVariable("REDIS_USER");',
      o.auth !== 'none' && 'options.Password = Environment.GetEnvironmentVariable("REDIS_AUTH_TOKEN");',
      o.tls && `options.SslHost = "${o.host}";   // the name the certificate must match`,
      'var mux = await ConnectionMultiplexer.ConnectAsync(options);',
      o.cluster && '// the configuration endpoint is enough: the multiplexer discovers the cluster nodes',
    ),
  }),
  'redis-rb': (o) => ({
    language: 'ruby', label: 'redis-rb', notes: [],
    snippet: o.cluster
      ? lines(
        'require "redis-clustering"',
        '',
        'redis = Redis::Cluster.new(',
        `  nodes: ["${url(o)}"],`,
        o.auth === 'rbac' && '  username: ENV.fetch("REDIS_USER"),',
        o.auth !== 'none' && '  password: ENV.fetch("REDIS_AUTH_TOKEN"),',
        o.tls && '  ssl_params: { verify_mode: OpenSSL::SSL::VERIFY_PEER },',
        ')',
      )
      : lines(
        'redis = Redis.new(',
        `  url: "${url(o)}",`,
        o.auth === 'rbac' && '  username: ENV.fetch("REDIS_USER"),',
        o.auth !== 'none' && '  password: ENV.fetch("REDIS_AUTH_TOKEN"),',
        o.tls && `  ssl_params: { verify_mode: OpenSSL::SSL::VERIFY_PEER${o.caBundle ? `, ca_file: "${CA}"` : ''} },`,
        ')',
      ),
  }),
  sidekiq: (o) => ({
    language: 'ruby', label: 'Sidekiq',
    notes: ['Set it in both configure_server and configure_client: web processes enqueue through the client side.', ...(o.cluster ? ['Sidekiq does not support Redis Cluster: use a cluster-mode-disabled group.'] : [])],
    snippet: lines(
      'redis_config = {',
      `  url: "${url(o, '/0')}",`,
      o.auth === 'rbac' && '  username: ENV.fetch("REDIS_USER"),',
      o.auth !== 'none' && '  password: ENV.fetch("REDIS_AUTH_TOKEN"),',
      o.tls && '  ssl_params: { verify_mode: OpenSSL::SSL::VERIFY_PEER },',
      '}',
      'Sidekiq.configure_server { |config| config.redis = redis_config }',
      'Sidekiq.configure_client { |config| config.redis = redis_config }',
    ),
  }),
  phpredis: (o) => ({
    language: 'php', label: 'phpredis',
    notes: ['Laravel with phpredis: set `\'scheme\' => \'tls\'` in the redis connection of config/database.php.'],
    snippet: o.cluster
      ? lines(
        '$redis = new RedisCluster(',
        `    null, ['${o.tls ? 'tls://' : ''}${o.host}:${o.port}'], 1.5, 1.5, true,`,
        o.auth === 'rbac' ? "    [getenv('REDIS_USER'), getenv('REDIS_AUTH_TOKEN')]," : o.auth === 'token' ? "    getenv('REDIS_AUTH_TOKEN')," : '    null,',
        o.tls ? `    ['verify_peer' => true, 'verify_peer_name' => true${o.caBundle ? `, 'cafile' => '${CA}'` : ''}]` : '    null',
        ');',
      )
      : lines(
        '$redis = new Redis();',
        o.tls
          ? `$redis->connect('tls://${o.host}', ${o.port}, 2.5, null, 0, 0, [\n    'stream' => ['verify_peer' => true, 'verify_peer_name' => true${o.caBundle ? `, 'cafile' => '${CA}'` : ''}],\n]);`
          : `$redis->connect('${o.host}', ${o.port}, 2.5);`,
        o.auth === 'token' && "$redis->auth(getenv('REDIS_AUTH_TOKEN'));",
        o.auth === 'rbac' && "$redis->auth([getenv('REDIS_USER'), getenv('REDIS_AUTH_TOKEN')]);",
      ),
  }),
  predis: (o) => ({
    language: 'php', label: 'Predis / Laravel',
    notes: ['Laravel: REDIS_SCHEME=tls with `\'scheme\' => env(\'REDIS_SCHEME\', \'tcp\')` in config/database.php, for the Predis and phpredis clients alike.'],
    snippet: lines(
      '$client = new Predis\\Client([',
      `    'scheme'   => '${o.tls ? 'tls' : 'tcp'}',`,
      `    'host'     => '${o.host}',`,
      `    'port'     => ${o.port},`,
      o.auth === 'rbac' && "    'username' => getenv('REDIS_USER'),",
      o.auth !== 'none' && "    'password' => getenv('REDIS_AUTH_TOKEN'),",
      o.tls && `    'ssl'      => ['verify_peer' => true, 'verify_peer_name' => true${o.caBundle ? `, 'cafile' => '${CA}'` : ''}],`,
      `]${o.cluster ? ", ['cluster' => 'redis']" : ''});`,
    ),
  }),
  'redis-rs': (o) => ({
    language: 'rust', label: 'redis-rs',
    notes: o.tls ? ['rediss:// needs a TLS feature of the crate: `tls-rustls` (+ `tls-rustls-webpki-roots`) or `tls-native-tls`. The `#insecure` URL fragment turns verification off: do not use it.'] : [],
    snippet: lines(
      `// Cargo.toml: redis = { version = "0.27", features = [${[o.tls && '"tls-rustls", "tls-rustls-webpki-roots"', o.cluster && '"cluster"'].filter(Boolean).join(', ')}] }`,
      o.auth === 'none' ? `let url = "${url(o)}/".to_string();` : `let url = format!("${o.tls ? 'rediss' : 'redis'}://${o.auth === 'rbac' ? '{}' : ''}:{}@${o.host}:${o.port}/", ${o.auth === 'rbac' ? 'std::env::var("REDIS_USER")?, ' : ''}std::env::var("REDIS_AUTH_TOKEN")?); // percent-encode special characters`,
      o.cluster ? 'let client = redis::cluster::ClusterClient::new(vec![url])?;' : 'let client = redis::Client::open(url)?;',
      'let mut con = client.get_connection()?;',
    ),
  }),
  'redis-cli': (o) => ({
    language: 'shell', label: 'redis-cli', notes: [],
    snippet: lines(
      `${o.auth !== 'none' ? 'REDISCLI_AUTH="$REDIS_AUTH_TOKEN" ' : ''}redis-cli -h ${o.host} -p ${o.port}${o.cluster ? ' -c' : ''}${o.tls ? ` --tls --cacert ${CA}` : ''}${o.auth === 'rbac' ? ' --user "$REDIS_USER"' : ''} PING`,
    ),
  }),
};

/** Wrappers whose connection settings are those of the library under them (src/diagnosis/clients.ts ids). */
const ALIASES: Record<string, { use: string; note: string }> = {
  'spring-data-redis': { use: 'lettuce', note: 'Spring Data Redis uses Lettuce by default.' },
  laravel: { use: 'predis', note: 'Laravel passes config/database.php redis settings to Predis or phpredis.' },
};

function rendererFor(client: string | undefined): ((o: SnippetOptions) => Rendered) | undefined {
  if (!client) return undefined;
  if (renderers[client]) return renderers[client];
  const alias = ALIASES[client];
  if (!alias) return undefined;
  return (o) => { const r = renderers[alias.use]!(o); return { ...r, notes: [alias.note, ...r.notes] }; };
}

/** Client ids with a dedicated snippet (the ids the diagnosis extractors use). */
export const KNOWN_CLIENTS = [...Object.keys(renderers), ...Object.keys(ALIASES)];

/** The most common clients, shown briefly when the paste does not say which one is in use. */
export const COMMON_CLIENTS = ['redis-py', 'ioredis', 'node-redis', 'jedis', 'go-redis'];

function generic(o: SnippetOptions): Rendered {
  const cred = o.auth === 'none' ? '' : o.auth === 'rbac' ? '<user>:<token>@' : ':<token>@';
  return {
    language: 'text', label: 'any Redis client', notes: ['Special characters in a password inside a URL must be percent-encoded.'],
    snippet: lines(
      `${o.tls ? 'rediss' : 'redis'}://${cred}${o.host}:${o.port}/0`,
      o.tls && '# TLS on, certificate verification on (the default in every maintained client); dial the name, not an IP',
      o.cluster && '# cluster mode: use the client\'s cluster class against the configuration endpoint',
    ),
  };
}

export function clientChange(client: string | undefined, o: SnippetOptions, description: string): ClientChange {
  const render = rendererFor(client);
  const r = render ? render(o) : generic(o);
  const notes = r.notes.length ? `\n${r.notes.map((n) => `Note: ${n}`).join('\n')}` : '';
  return { client: render && client ? client : 'generic', language: r.language, description: `${description} (${r.label})${notes}`, snippet: r.snippet };
}

/** Brief snippets for the common clients, when the paste does not name one. */
export function commonClientChanges(o: SnippetOptions, description: string): ClientChange[] {
  return COMMON_CLIENTS.map((c) => clientChange(c, o, description));
}

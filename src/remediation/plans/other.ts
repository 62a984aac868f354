// Certificate, hostname, topology and network plans: mostly client changes; Terraform where the fix is
// infrastructure (a security group rule for the port).
import { appendBlock } from '../hcl/edit.js';
import { isTlsStyle } from '../endpoints.js';
import { ensureVariable } from '../plan.js';
import { addClient, currentHost, tlsHost, VERIFY_OFF_COST, type PlanInput } from './common.js';

export function planUntrustedCert(p: PlanInput): void {
  const { b } = p;
  b.step('ElastiCache certificates chain to Amazon\'s public roots, which every standard CA bundle contains: make sure the container image has one (Debian/Ubuntu: apt-get install ca-certificates; Alpine: apk add ca-certificates; distroless and the Lambda runtimes ship it) and that the client uses it.');
  b.step('If a corporate proxy or a sidecar intercepts TLS, add its CA to the bundle the client reads, rather than trusting everything.');
  addClient(p, 'Verify the server against the image\'s CA bundle', { caBundle: true });
  b.warn(VERIFY_OFF_COST);
}

export function planHostnameMismatch(p: PlanInput): void {
  const { b } = p;
  const host = tlsHost(p);
  b.step(`Dial the endpoint's own name (${host}), not an IP address or a private DNS alias: the certificate is valid for the ElastiCache names only. If an alias is unavoidable, set the TLS server name (SNI) to the ElastiCache name.`);
  if (p.cluster || p.context.client === 'ioredis' || p.context.client === 'iovalkey') {
    b.step('Cluster clients learn node addresses from the cluster; ioredis Cluster needs dnsLookup: (address, callback) => callback(null, address) and redisOptions: { tls: {} } so that it keeps the names.');
  }
  addClient(p, 'Dial the name the certificate is valid for', { host });
  b.warn(VERIFY_OFF_COST);
}

export function planHandshakeFailure(p: PlanInput): void {
  const { b } = p;
  b.step('The server speaks TLS but the negotiation failed: ElastiCache requires TLS 1.2 or later. Upgrade an old runtime or OpenSSL (Java 7, Python linked to OpenSSL 0.9.8/1.0.0) and remove any forced protocol version or cipher list from the client.');
  addClient(p, 'A TLS client with default (modern) settings', {});
  b.warn(VERIFY_OFF_COST);
}

export function planClusterRedirect(p: PlanInput): void {
  const { b } = p;
  const tls = p.context.tls ?? p.group?.transitEncryptionEnabled ?? true;
  const liveCfg = p.group?.endpoints.find((e) => e.role === 'configuration')?.host;
  const cfg = tls ? p.tls?.configuration ?? liveCfg : liveCfg ?? p.context.endpoint?.host;
  b.step(`The group has cluster mode enabled: use the library's cluster client against the configuration endpoint${cfg ? ` (${cfg})` : ''}. It follows MOVED and ASK redirections itself; a plain client only reports them.`);
  addClient(p, 'Use the cluster client', { cluster: true, host: cfg ?? tlsHost({ ...p, cluster: true }), tls });
}

export function planCrossSlot(p: PlanInput): void {
  const { b } = p;
  b.step('Keys in one multi-key command (MGET, MSET, transactions, Lua scripts) must hash to one slot. Put the shared part of the key in braces, a hash tag: {user:42}:profile and {user:42}:settings live in the same slot.');
  b.step('Where the keys are unrelated, split the command per key (clients such as ioredis and redis-py cluster do this for some commands) or pipeline single-key commands.');
  b.client({ client: p.context.client ?? 'generic', description: 'Hash tags keep related keys in one slot', language: 'text', snippet: 'MSET {user:42}:profile "..." {user:42}:settings "..."   # both keys hash on "user:42"' });
}

export function planReadonlyReplica(p: PlanInput): void {
  const { b } = p;
  const primary = p.tls?.primary && (p.group?.transitEncryptionEnabled ?? isTlsStyle(currentHost(p))) ? p.tls.primary
    : p.group?.endpoints.find((e) => e.role === 'primary')?.host;
  b.step(`Send writes to the primary endpoint${primary ? ` (${primary})` : ''}, not the reader endpoint or a node's own name: those can point at a replica.`);
  b.step('After a failover the old primary becomes a replica: clients holding its address must reconnect. ioredis: reconnectOnError returning 2 for errors starting with READONLY; redis-py: retry with a new connection; Lettuce/Jedis: use the primary endpoint, whose DNS follows the failover.');
  if (primary) addClient(p, 'Write through the primary endpoint', { host: primary, tls: isTlsStyle(primary) });
}

function securityGroupRef(p: PlanInput): string | undefined {
  const sg = p.tf?.cand?.attrs.security_group_ids;
  if (!Array.isArray(sg) || sg.length !== 1 || typeof sg[0] !== 'string') return undefined;
  const m = /^\$\{([A-Za-z0-9_.[\]"-]+)\}$/.exec(sg[0]);
  return m ? m[1] : `"${sg[0]}"`;
}

export function planNetworkTimeout(p: PlanInput): void {
  const { b } = p;
  b.step(`The TCP connection never completed. Check, in order: the group's security group allows port ${p.port} from the client's security group; the client runs in the group's VPC (a Lambda function needs a VPC configuration, with subnets that route to the cache subnets); network ACLs of both subnets allow the port and the ephemeral return ports; peering or Transit Gateway routes exist when the client is in another VPC.`);
  b.step(`AWS's VPC Reachability Analyzer can test the path from the client's ENI to the cache node's ENI on port ${p.port}.`);
  const sgRef = securityGroupRef(p);
  const rule = `resource "aws_vpc_security_group_ingress_rule" "redis_from_app" {
  security_group_id            = ${sgRef ?? '"<the group\'s security group id>"'}
  referenced_security_group_id = var.app_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = ${p.port}
  to_port                      = ${p.port}
  description                  = "Redis from the application"
}`;
  const variable = `variable "app_security_group_id" {
  description = "Security group of the clients that connect to Redis"
  type        = string
}`;
  const cand = p.tf?.cand;
  const text = `Allow the port from the client's security group (pass its id as app_security_group_id). Do not mix aws_vpc_security_group_ingress_rule with inline ingress blocks or aws_security_group_rule on the same security group.`;
  if (p.tf && cand && sgRef && cand.kind === 'resource') {
    b.terraformStep(text, p.tf.ws, (w) => {
      if (!w.canEdit(cand.file.rel)) return [`${cand.file.rel} is not valid HCL; add the rule by hand.`];
      w.set(cand.file.rel, appendBlock(w.get(cand.file.rel), rule));
      ensureVariable(w, p.tf!, cand.file.rel, 'app_security_group_id', variable);
      return [];
    }, { description: 'security group rule for the Redis port' });
  } else {
    b.step(text);
    b.note(`Terraform for the rule:\n${rule}`);
  }
}

export function planConnectionRefused(p: PlanInput): void {
  const { b } = p;
  b.step(`Nothing accepted the connection at that host and port: check the port (the group listens on ${p.port}), that the host is the group's endpoint and not a deleted node or an old group, and that no local proxy or tunnel (stunnel, SSM port forwarding) is expected in between and down.`);
  addClient(p, 'Connect to the group\'s endpoint and port', { tls: p.context.tls ?? p.group?.transitEncryptionEnabled ?? true });
}

export function planDnsFailure(p: PlanInput): void {
  const { b } = p;
  const host = currentHost(p);
  b.step(`The host name ${host} does not resolve: check it for typos and that the group still exists (aws elasticache describe-replication-groups --replication-group-id ${p.groupId ?? '<group-id>'}).`);
  if (p.group?.transitEncryptionMode === 'required' && !isTlsStyle(host)) {
    b.step(`The group is in transit encryption mode "required", where the plaintext-style host names are removed: use the TLS host name ${tlsHost(p)} with TLS.`);
  }
  addClient(p, 'Connect to the group\'s current endpoint', { tls: p.context.tls ?? p.group?.transitEncryptionEnabled ?? true });
}

export function planUnknown(p: PlanInput): void {
  const { b } = p;
  // A group looked up with no error text (`/redis-diagnose prd-redis`): say how a client must connect to it.
  if (p.group && p.group.transitEncryptionEnabled !== null) {
    const tls = p.group.transitEncryptionEnabled === true;
    const host = tls ? tlsHost(p) : currentHost(p);
    b.step(`No error to fix here. To connect to ${p.group.replicationGroupId}: ${tls ? 'TLS (rediss://)' : 'plaintext (redis://)'} to ${host}:${p.port}${p.auth === 'token' ? ', with the AUTH token' : p.auth === 'rbac' ? ', as an RBAC user of its user group' : ''}.`);
    addClient(p, `Connect to ${p.group.replicationGroupId} the way it is configured`, { tls, host });
    return;
  }
  b.step('No fix is proposed: no known Redis connection error was found. Paste the whole error with its stack trace (the first error, before any retries, says the most); the live check (--live) and the probe (--probe) tell what the group and the endpoint really speak.');
}

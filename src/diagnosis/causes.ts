// Cause ids from shared/TAXONOMY.md: a public contract (CLI JSON, Slack replies, dashboards).
// Add a cause only together with a new row in TAXONOMY.md.
export const CAUSES = [
  'tls-to-plaintext',
  'plaintext-to-tls',
  'tls-untrusted-cert',
  'tls-hostname-mismatch',
  'tls-handshake-failure',
  'auth-missing',
  'auth-rejected',
  'auth-not-enabled',
  'network-timeout',
  'connection-refused',
  'dns-failure',
  'cluster-redirect',
  'cluster-crossslot',
  'readonly-replica',
  'unknown',
] as const;

export type CauseId = (typeof CAUSES)[number];
export type Confidence = 'high' | 'medium' | 'low';

/** One sentence a person reads first, per cause. */
export const CAUSE_TITLES: Record<CauseId, string> = {
  'tls-to-plaintext': 'The client speaks TLS, but the endpoint has in-transit encryption disabled',
  'plaintext-to-tls': 'The client speaks plaintext, but the endpoint requires TLS',
  'tls-untrusted-cert': "The client does not trust the server's TLS certificate chain",
  'tls-hostname-mismatch': 'The TLS certificate is valid, but not for the host name the client dialed',
  'tls-handshake-failure': 'TLS negotiation with a TLS server failed (protocol version, ciphers or a server alert)',
  'auth-missing': 'The server requires AUTH, and the client sent no password',
  'auth-rejected': 'The server rejected the password or user name',
  'auth-not-enabled': 'The client sent AUTH, but the server has no password configured',
  'network-timeout': 'The TCP connection timed out (security group, subnet, VPC or routing)',
  'connection-refused': 'Nothing is listening at that host and port',
  'dns-failure': 'The host name does not resolve',
  'cluster-redirect': 'A cluster-mode-enabled group is used through a non-cluster client',
  'cluster-crossslot': 'A multi-key command spans several hash slots',
  'readonly-replica': 'A write reached a read-only replica',
  unknown: 'This does not match a known Redis connection error',
};

export function isCause(value: string): value is CauseId {
  return (CAUSES as readonly string[]).includes(value);
}

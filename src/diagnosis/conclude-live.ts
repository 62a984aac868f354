// Pure: no I/O. Confirms, strengthens or overturns the paste's diagnosis with live facts (AWS, probe).
import { CAUSE_TITLES, type CauseId, type Confidence } from './causes.js';
import { isElastiCacheHost, parseElastiCacheHost } from './hostnames.js';
import type { GroupFacts, LiveFacts, ProbeResult } from '../live/types.js';
import type { Context, Diagnosis, Finding } from './types.js';

/** What an endpoint accepts. */
type Transport = 'plaintext' | 'tls-only' | 'both';
type TransportCause = 'tls-to-plaintext' | 'plaintext-to-tls';

const TRANSPORT_CAUSES = new Set<CauseId>(['tls-to-plaintext', 'plaintext-to-tls']);
/** Causes the paste may have settled on while the transport question was still open. */
const OPEN_CAUSES = new Set<CauseId>(['unknown', 'network-timeout']);
const AUTH_CAUSES = new Set<CauseId>(['auth-missing', 'auth-rejected', 'auth-not-enabled']);
const CERT_CAUSES = new Set<CauseId>(['tls-untrusted-cert', 'tls-hostname-mismatch', 'tls-handshake-failure']);

function uniq(values: string[]): string[] {
  return [...new Set(values)];
}

export function groupTransport(group: GroupFacts): Transport | undefined {
  if (group.kind === 'serverless') return 'tls-only';
  if (group.transitEncryptionEnabled === false) return 'plaintext';
  if (group.transitEncryptionEnabled === true) return group.transitEncryptionMode === 'preferred' ? 'both' : 'tls-only';
  return undefined;
}

function probeTransport(probe: ProbeResult): Transport | undefined {
  switch (probe.speaks) {
    case 'plaintext': return 'plaintext';
    case 'tls': return 'tls-only';
    case 'both': return 'both';
    default: return undefined;
  }
}

function engineWords(group: GroupFacts): string {
  const engine = group.engine ? `${group.engine}${group.engineVersion ? ` ${group.engineVersion}` : ''}` : group.engineVersion ?? '';
  return engine ? ` (engine ${engine})` : '';
}

function transportSentence(group: GroupFacts, t: Transport): string {
  const id = group.replicationGroupId;
  if (group.kind === 'serverless') return `AWS: ${id} is an ElastiCache Serverless cache, and serverless caches always use TLS${engineWords(group)}.`;
  if (t === 'plaintext') return `AWS: ${id} has TransitEncryptionEnabled=false, so its endpoints speak plaintext only${engineWords(group)}.`;
  if (t === 'both') return `AWS: ${id} has TransitEncryptionEnabled=true with TransitEncryptionMode=preferred, so its endpoints accept TLS and plaintext clients alike${engineWords(group)}.`;
  return `AWS: ${id} has TransitEncryptionEnabled=true${group.transitEncryptionMode === 'required' ? ' with TransitEncryptionMode=required' : ''}, so its endpoints accept TLS clients only${engineWords(group)}.`;
}

function pendingSentence(group: GroupFacts): string | undefined {
  const on = group.pendingTransitEncryptionEnabled;
  const mode = group.pendingTransitEncryptionMode;
  if (on === null && mode === null || on === undefined && mode === undefined) return undefined;
  const parts = [on !== null && on !== undefined ? `TransitEncryptionEnabled=${on}` : '', mode ? `TransitEncryptionMode=${mode}` : ''].filter(Boolean);
  return `A change to ${group.replicationGroupId} is pending (${parts.join(', ')}); until it is applied, the endpoints behave as they do now.`;
}

function probeSentence(probe: ProbeResult): string {
  const words: Record<string, string> = {
    plaintext: 'answers plaintext only', tls: 'answers TLS only', both: 'answers both TLS and plaintext',
    nothing: 'answered neither TLS nor plaintext', unknown: 'could not be told',
  };
  return `Probe from the bot: ${probe.endpoint} ${words[probe.speaks ?? 'unknown']} (plaintext: ${probe.plaintext.status}, ${probe.plaintext.detail}; TLS: ${probe.tls.status}, ${probe.tls.detail}).`;
}

/** Does the host the client dialed belong to this group? undefined = cannot tell (an alias, an IP). */
export function hostBelongsToGroup(host: string | undefined, group: GroupFacts): boolean | undefined {
  if (!host) return undefined;
  const h = host.toLowerCase().replace(/\.$/, '');
  const known = [...group.endpoints.map((e) => e.host), ...(group.nodeEndpoints ?? [])].map((x) => x.toLowerCase());
  if (known.includes(h)) return true;
  if (!isElastiCacheHost(h)) return undefined;
  const parsed = parseElastiCacheHost(h);
  const id = group.replicationGroupId.toLowerCase();
  if (!parsed) return undefined;
  if (group.kind === 'serverless') return parsed.serverlessCacheName ? parsed.serverlessCacheName === id : false;
  if (parsed.cacheClusterId && group.memberClusters.map((m) => m.toLowerCase()).includes(parsed.cacheClusterId)) return true;
  if (parsed.replicationGroupId) return parsed.replicationGroupId === id;
  return undefined;
}

/** A transport either explains the mismatch (TLS client vs plaintext-only, plaintext client vs TLS-only) or rules it out. */
function supports(cause: TransportCause, t: Transport): boolean {
  return cause === 'tls-to-plaintext' ? t === 'plaintext' : t === 'tls-only';
}

interface Draft {
  cause: CauseId;
  confidence: Confidence;
  summary: string;
  reasons: string[];
  alternatives: string[];
  nextChecks: string[];
}

function clientRecipe(group: GroupFacts): string {
  const t = groupTransport(group);
  const ep = group.endpoints.find((e) => e.role === 'configuration') ?? group.endpoints.find((e) => e.role === 'primary') ?? group.endpoints.find((e) => e.role === 'serverless');
  const scheme = t === 'plaintext' ? 'redis://' : 'rediss://';
  const tlsWords = t === 'plaintext' ? 'without TLS' : t === 'both' ? 'with TLS (plaintext also works while the mode is preferred)' : 'with TLS';
  const auth = group.userGroupIds.length
    ? `an RBAC user name and password (user groups ${group.userGroupIds.join(', ')})`
    : group.authTokenEnabled
      ? 'the AUTH token as the password'
      : group.authTokenEnabled === false ? 'no password' : 'whatever AUTH the group needs (AWS did not say)';
  const cluster = group.clusterEnabled ? ', through a cluster-aware client' : '';
  return `Clients connect ${tlsWords}: ${scheme}${ep ? `${ep.host}:${ep.port}` : '<endpoint>'}, with ${auth}${cluster}.`;
}

function healthSummary(draft: Draft, group: GroupFacts, context: Context): void {
  const t = groupTransport(group);
  const kind = group.kind === 'serverless' ? 'serverless cache' : 'replication group';
  draft.summary = `${group.replicationGroupId} (${kind}${group.engine ? `, ${group.engine}${group.engineVersion ? ` ${group.engineVersion}` : ''}` : ''}${group.status ? `, ${group.status}` : ''}). ${clientRecipe(group)}`;
  const facts: string[] = [];
  if (t) facts.push(transportSentence(group, t));
  if (group.userGroupIds.length) facts.push(`AWS: RBAC user groups ${group.userGroupIds.join(', ')}: clients authenticate as a user (AUTH user password).`);
  else if (group.authTokenEnabled) facts.push(`AWS: AuthTokenEnabled=true${group.authTokenLastModifiedDate ? ` (token last changed ${group.authTokenLastModifiedDate})` : ''}: clients must send the token.`);
  else if (group.authTokenEnabled === false) facts.push('AWS: no AUTH token and no RBAC user groups: clients send no password.');
  if (group.clusterEnabled) facts.push(`AWS: cluster mode enabled${group.numNodeGroups ? ` (${group.numNodeGroups} shards)` : ''}: use a cluster-aware client and the configuration endpoint.`);
  else if (group.clusterEnabled === false) facts.push('AWS: cluster mode disabled: use the primary endpoint for writes, the reader endpoint for reads.');
  const pending = pendingSentence(group);
  if (pending) facts.push(pending);
  if (group.globalReplicationGroupId) facts.push(`AWS: member of global datastore ${group.globalReplicationGroupId}.`);
  draft.reasons.unshift(...facts);

  // Something clearly wrong even without a paste: the client's own settings (hints) contradict the group.
  if (t && context.tls === true && t === 'plaintext') {
    draft.cause = 'tls-to-plaintext';
    draft.confidence = 'medium';
    draft.reasons.unshift(`The client is set up for TLS${context.scheme === 'rediss' ? ' (rediss://)' : ''}, but ${group.replicationGroupId} has in-transit encryption disabled.`);
  } else if (t && context.tls === false && t === 'tls-only') {
    draft.cause = 'plaintext-to-tls';
    draft.confidence = 'medium';
    draft.reasons.unshift(`The client is set up without TLS${context.scheme === 'redis' ? ' (redis://)' : ''}, but ${group.replicationGroupId} accepts TLS clients only.`);
  }
}

function transportRule(draft: Draft, findings: Finding[], context: Context, live: LiveFacts, groupApplies: boolean): void {
  const group = live.group;
  const probe = live.probe;
  const gT = group && groupApplies ? groupTransport(group) : undefined;
  const pT = probe ? probeTransport(probe) : undefined;

  // Which transport mismatch is on the table: the paste's cause, or one still open in the findings.
  let cause: TransportCause | undefined;
  let fromClientSettings = false;
  if (TRANSPORT_CAUSES.has(draft.cause)) cause = draft.cause as TransportCause;
  else if (OPEN_CAUSES.has(draft.cause)) {
    const f = findings.find((x) => TRANSPORT_CAUSES.has(x.cause));
    if (f) cause = f.cause as TransportCause;
    else if (findings.length && context.tls !== undefined && findings.some((x) => x.cause === 'network-timeout' || x.cause === 'unknown')) {
      cause = context.tls ? 'tls-to-plaintext' : 'plaintext-to-tls';
      fromClientSettings = true;
    }
  }
  if (!cause || (!gT && !pT)) return;

  const support: string[] = [];
  const against: string[] = [];
  if (gT) (supports(cause, gT) ? support : against).push(transportSentence(group!, gT));
  if (probe && pT) (supports(cause, pT) ? support : against).push(probeSentence(probe));
  const id = group?.replicationGroupId;
  const where = id ?? probe?.endpoint ?? 'the endpoint';

  if (support.length && !against.length) {
    const wasOpen = draft.cause !== cause;
    draft.cause = cause;
    draft.confidence = fromClientSettings ? 'medium' : 'high';
    draft.reasons.unshift(...support);
    if (wasOpen) draft.reasons.push(`The paste alone did not decide this; the live facts do.`);
    draft.summary = cause === 'tls-to-plaintext'
      ? gT
        ? `The client speaks TLS, but ${where} has in-transit encryption disabled (TransitEncryptionEnabled=false).`
        : `The client speaks TLS, but ${where} answers plaintext only.`
      : group?.kind === 'serverless' && gT
        ? `The client speaks plaintext, but ${where} is a serverless cache, which always requires TLS.`
        : gT
          ? `The client speaks plaintext, but ${where} accepts TLS clients only${group?.transitEncryptionMode === 'required' ? ' (TransitEncryptionMode=required)' : ''}.`
          : `The client speaks plaintext, but ${where} answers TLS only.`;
    return;
  }
  if (support.length && against.length) {
    draft.cause = cause;
    draft.confidence = 'medium';
    draft.reasons.unshift(...support, ...against);
    draft.reasons.push('AWS and the probe disagree about what the endpoint speaks: the probed endpoint may not be the group the client uses.');
    draft.nextChecks.push(`Check that the host and port in the client's configuration are ${id ? `one of ${id}'s endpoints` : 'the group\'s endpoint'}.`);
    return;
  }
  if (!against.length) return;

  // Overturned: the live facts say the endpoint does speak what the client speaks.
  if (fromClientSettings) {
    draft.reasons.push(...against);
    return;
  }
  const both = gT === 'both' || pT === 'both';
  const title = CAUSE_TITLES[cause].charAt(0).toLowerCase() + CAUSE_TITLES[cause].slice(1);
  draft.cause = 'unknown';
  draft.confidence = 'low';
  draft.reasons = [
    ...against,
    `So this is not the mismatch the paste suggests (${title}): ${cause === 'tls-to-plaintext' ? 'enabling TLS on the group would change nothing' : 'moving the client to TLS would not be the fix'}.`,
    ...draft.reasons.map((r) => `From the paste: ${r}`),
  ];
  if (cause === 'tls-to-plaintext') {
    draft.summary = `The client's TLS handshake met a plaintext answer, but ${where} ${both ? 'accepts TLS clients (mode preferred)' : 'speaks TLS'}: the answer came from something other than ${id ? `${id}'s endpoint` : 'that endpoint'}.`;
    draft.alternatives.unshift(
      'A proxy, tunnel or sidecar between the client and the cache that speaks plaintext (HAProxy, Envoy, stunnel, an HTTP proxy from HTTPS_PROXY).',
      `The wrong host or port: the client dials something other than ${group ? group.endpoints.map((e) => `${e.host}:${e.port}`).join(', ') || 'the group\'s endpoints' : probe?.endpoint ?? 'the endpoint'}.`,
      'Another group\'s endpoint: a group created without in-transit encryption (its names look like <id>.<hash>.ng.0001.<region>.cache.amazonaws.com).',
    );
    draft.nextChecks.unshift('Compare the host and port in the client\'s configuration with the group\'s endpoints, and probe that exact endpoint from the client\'s network.');
  } else {
    draft.summary = both
      ? `The connection was closed, but ${where} accepts both TLS and plaintext clients (mode preferred): both kinds of client work, so the cause is elsewhere.`
      : `The connection was closed, but ${where} speaks plaintext, which is what the client speaks: the cause is elsewhere.`;
    draft.alternatives.unshift(
      'A proxy, load balancer or NAT gateway closing connections (idle timeouts).',
      'The server closing connections itself: maxclients reached, a failover or maintenance restart, a client-output-buffer limit.',
      'The client dials another endpoint than this group\'s, one that requires TLS.',
    );
    draft.nextChecks.unshift('Look at the group\'s events and CurrConnections / NewConnections metrics around the time of the error.');
  }
}

function authRule(draft: Draft, group: GroupFacts | undefined, probe: ProbeResult | undefined): void {
  if (!AUTH_CAUSES.has(draft.cause)) return;
  const probeAuth = probe && (probe.plaintext.status === 'auth-required' || probe.tls.status === 'auth-required' || probe.resp?.authRequired);
  const probeNoAuth = probe && (/PONG/.test(`${probe.plaintext.detail} ${probe.tls.detail}`) || probe.resp?.authRequired === false);
  const rbac = !!group?.userGroupIds.length;
  const token = group?.authTokenEnabled === true;
  const noAuth = group ? !rbac && group.authTokenEnabled === false : undefined;
  const id = group?.replicationGroupId;
  const lastChanged = group?.authTokenLastModifiedDate ? ` (the token was last changed ${group.authTokenLastModifiedDate})` : '';

  const confirm = (sentence: string): void => {
    draft.confidence = 'high';
    draft.reasons.unshift(sentence);
  };
  const doubt = (sentence: string, alternative: string): void => {
    if (draft.confidence === 'high') draft.confidence = 'medium';
    draft.reasons.unshift(sentence);
    draft.alternatives.unshift(alternative);
  };

  if (draft.cause === 'auth-missing') {
    if (rbac) confirm(`AWS: ${id} uses RBAC (user groups ${group!.userGroupIds.join(', ')}): clients must authenticate with a user name and password.`);
    else if (token) confirm(`AWS: ${id} has AuthTokenEnabled=true: every client must send the AUTH token.`);
    else if (noAuth) doubt(`AWS: ${id} has no AUTH token and no RBAC user groups, so the NOAUTH did not come from it.`, 'The client reaches another server that has a password (another group, a self-managed Redis, a proxy).');
    if (probeAuth) draft.reasons.push(`The probe also got NOAUTH from ${probe!.endpoint}: it requires AUTH.`);
  } else if (draft.cause === 'auth-rejected') {
    if (rbac) confirm(`AWS: ${id} uses RBAC (user groups ${group!.userGroupIds.join(', ')}): the user name and password must match a user in those groups.`);
    else if (token) confirm(`AWS: ${id} has AuthTokenEnabled=true${lastChanged}: the client's token is not the current one (a rotation may have left it with the old one).`);
    else if (noAuth) doubt(`AWS: ${id} has no AUTH token and no RBAC user groups, so it would not reject a password this way.`, 'The client reaches another server than this group.');
  } else if (draft.cause === 'auth-not-enabled') {
    if (noAuth) confirm(`AWS: ${id} has AuthTokenEnabled=false and no RBAC user groups: it has no password, so the client must not send one (or enable an AUTH token on the group).`);
    else if (token || rbac) doubt(`AWS: ${id} does require authentication (${rbac ? 'RBAC' : 'AUTH token'}), so this answer came from another server.`, 'The client reaches another server than this group (a wrong host, a local Redis).');
    if (probeAuth) doubt(`The probe got NOAUTH from ${probe!.endpoint}: that endpoint does require a password.`, 'The client reaches another server than the probed endpoint.');
  }
  if (probeNoAuth && draft.cause !== 'auth-not-enabled' && !group) {
    doubt(`The probe got an answer from ${probe!.endpoint} without any password: that endpoint does not require AUTH.`, 'The client reaches another server than the probed endpoint.');
  }
}

function clusterRule(draft: Draft, group: GroupFacts | undefined, probe: ProbeResult | undefined): void {
  if (draft.cause !== 'cluster-redirect' && draft.cause !== 'cluster-crossslot') return;
  const enabled = group?.clusterEnabled ?? probe?.resp?.clusterEnabled;
  if (enabled === true) {
    if (draft.cause === 'cluster-redirect') draft.confidence = 'high';
    const cfg = group?.endpoints.find((e) => e.role === 'configuration');
    draft.reasons.unshift(group?.clusterEnabled
      ? `AWS: ${group.replicationGroupId} has cluster mode enabled${group.numNodeGroups ? ` (${group.numNodeGroups} shards)` : ''}: use a cluster-aware client${cfg ? ` with the configuration endpoint ${cfg.host}:${cfg.port}` : ''}.`
      : `The probe read cluster_enabled:1 from ${probe!.endpoint}: clients must be cluster-aware.`);
  } else if (enabled === false && draft.cause === 'cluster-redirect') {
    if (draft.confidence === 'high') draft.confidence = 'medium';
    draft.reasons.unshift(group ? `AWS: ${group.replicationGroupId} has cluster mode disabled, so it does not send MOVED; the client reaches another, clustered endpoint.` : `The probe read cluster_enabled:0 from ${probe!.endpoint}.`);
  }
}

function certRule(draft: Draft, group: GroupFacts | undefined, probe: ProbeResult | undefined, groupApplies: boolean): void {
  if (!CERT_CAUSES.has(draft.cause)) return;
  if (group && groupApplies && groupTransport(group) === 'plaintext') {
    if (draft.confidence === 'high') draft.confidence = 'medium';
    draft.reasons.unshift(`AWS: ${group.replicationGroupId} has in-transit encryption disabled, so it presents no certificate: the certificate came from something in between (a proxy) or another endpoint.`);
    draft.alternatives.unshift('A TLS-terminating proxy or another endpoint presents this certificate.');
  }
  const cert = probe?.tls.certificate;
  if (!probe || !cert) return;
  if (draft.cause === 'tls-hostname-mismatch' && cert.hostnameMatches === false) {
    draft.confidence = 'high';
    draft.reasons.unshift(`The probe confirms it: the certificate of ${probe.endpoint} is not valid for that name (${cert.reason ?? 'name check failed'}).`);
  } else if (draft.cause === 'tls-untrusted-cert' && cert.chainTrusted === false) {
    draft.reasons.unshift(`The probe sees the same: the bot does not trust the certificate chain of ${probe.endpoint} either (${cert.reason ?? 'untrusted chain'}).`);
  } else if (draft.cause === 'tls-untrusted-cert' && cert.chainTrusted) {
    draft.reasons.unshift(`From the bot, the certificate chain of ${probe.endpoint} verifies with the standard CA store: the client's own CA bundle is what lacks the issuer.`);
  }
}

function networkRule(draft: Draft, group: GroupFacts | undefined, probe: ProbeResult | undefined): void {
  if (group?.status && group.status !== 'available') {
    draft.reasons.push(`AWS: ${group.replicationGroupId} is in status "${group.status}", not "available".`);
  }
  if (!probe) return;
  if (draft.cause === 'connection-refused' && probe.plaintext.status === 'refused' && probe.tls.status === 'refused') {
    draft.reasons.unshift(`The probe was refused too: nothing listens on ${probe.endpoint}.`);
  } else if (draft.cause === 'network-timeout' && probe.plaintext.status === 'timeout' && /TCP connect/.test(probe.plaintext.detail)) {
    draft.reasons.unshift(`From the bot, too, the TCP connect to ${probe.endpoint} timed out (security group, routing).`);
  } else if (draft.cause === 'network-timeout' && (probe.speaks === 'plaintext' || probe.speaks === 'tls' || probe.speaks === 'both')) {
    draft.reasons.unshift(`The bot reaches ${probe.endpoint} fine: the timeout is specific to the client's network path (its security group, subnet or VPC).`);
  }
}

/** Confirm, strengthen or overturn the paste's diagnosis with live facts (AWS group facts, probe). */
export function refineWithLive(diagnosis: Diagnosis, findings: Finding[], context: Context, live: LiveFacts): Diagnosis {
  const group = live.group;
  const probe = live.probe;
  if (!group && !probe) return diagnosis;
  const draft: Draft = {
    cause: diagnosis.cause,
    confidence: diagnosis.confidence,
    summary: diagnosis.summary,
    reasons: [...diagnosis.reasons],
    alternatives: [...diagnosis.alternatives],
    nextChecks: [...diagnosis.nextChecks],
  };

  // Facts about a group only speak for the host the client dialed if that host is the group's.
  const belongs = group ? hostBelongsToGroup(context.endpoint?.host, group) : undefined;
  const groupApplies = belongs !== false;
  if (group && belongs === false) {
    const owner = parseElastiCacheHost(context.endpoint!.host);
    draft.reasons.push(`The host in the text, ${context.endpoint!.host}, is not one of ${group.replicationGroupId}'s endpoints${owner?.replicationGroupId ? ` (it names ${owner.replicationGroupId})` : owner?.serverlessCacheName ? ` (it names ${owner.serverlessCacheName})` : ''}: the client may be pointed at another group.`);
    draft.alternatives.push(`Another group's endpoint: check which group the client is configured for.`);
  }

  if (findings.length === 0 && group) {
    healthSummary(draft, group, context);
  } else if (findings.length === 0 && probe) {
    const t = probeTransport(probe);
    if (t) draft.summary = `${probe.endpoint} ${t === 'plaintext' ? 'speaks plaintext only: clients connect without TLS (redis://)' : t === 'tls-only' ? 'speaks TLS only: clients connect with TLS (rediss://)' : 'accepts both TLS and plaintext clients'}.`;
    draft.reasons.unshift(probeSentence(probe));
  } else {
    transportRule(draft, findings, context, live, groupApplies);
    authRule(draft, groupApplies ? group : undefined, probe);
    clusterRule(draft, groupApplies ? group : undefined, probe);
    certRule(draft, group, probe, groupApplies);
  }
  networkRule(draft, group, probe);
  if (group && findings.length) {
    const pending = pendingSentence(group);
    if (pending) draft.reasons.push(pending);
  }

  // Checks the live stage has now done are no longer next steps.
  const done = (check: string): boolean => (!!group && /--live\b/.test(check)) || (!!probe && /--probe\b/.test(check) && !/--live\b/.test(check));
  draft.nextChecks = draft.nextChecks.filter((c) => !done(c));
  if (draft.confidence === 'high') draft.summary = draft.summary.replace(/^Likely: (.)/, (_, c: string) => c.toUpperCase());

  return {
    cause: draft.cause,
    confidence: draft.confidence,
    summary: draft.summary,
    reasons: uniq(draft.reasons),
    alternatives: uniq(draft.alternatives),
    nextChecks: uniq(draft.nextChecks),
  };
}

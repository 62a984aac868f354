// refineWithLive: the paste's diagnosis confirmed, strengthened or overturned by live facts. Pure.
import { describe, expect, it } from 'vitest';
import type { CauseId, Confidence } from '../../src/diagnosis/causes.js';
import { hostBelongsToGroup, refineWithLive } from '../../src/diagnosis/conclude-live.js';
import type { Context, Diagnosis, Finding } from '../../src/diagnosis/types.js';
import type { GroupFacts, LiveFacts, ProbeAttempt, ProbeResult } from '../../src/live/types.js';

function group(over: Partial<GroupFacts> = {}): GroupFacts {
  return {
    kind: 'replication-group', replicationGroupId: 'prd-redis', region: 'ap-northeast-1',
    transitEncryptionEnabled: false, transitEncryptionMode: null, atRestEncryptionEnabled: false,
    authTokenEnabled: false, userGroupIds: [], clusterEnabled: false, engine: 'redis', engineVersion: '6.2.6',
    endpoints: [
      { role: 'primary', host: 'prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com', port: 6379 },
      { role: 'reader', host: 'prd-redis-ro.abc123.ng.0001.apne1.cache.amazonaws.com', port: 6379 },
    ],
    memberClusters: ['prd-redis-001', 'prd-redis-002'],
    ...over,
  };
}
const TLS_GROUP: Partial<GroupFacts> = {
  transitEncryptionEnabled: true, transitEncryptionMode: 'required',
  endpoints: [{ role: 'primary', host: 'master.prd-redis.abc123.apne1.cache.amazonaws.com', port: 6379 }],
};

function diag(cause: CauseId, confidence: Confidence = 'high', reasons = ['from the paste']): Diagnosis {
  return { cause, confidence, summary: `paste says ${cause}`, reasons, alternatives: [], nextChecks: ['Check TransitEncryptionEnabled of group prd-redis (--live), or probe the endpoint (--probe).'] };
}
function finding(cause: CauseId, signature = 'sig'): Finding {
  return { cause, signature, evidence: 'line' };
}
const ctx = (over: Partial<Context> = {}): Context => ({
  redisContext: ['redis-py in the text'],
  endpoint: { host: 'prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com', port: 6379 },
  replicationGroupId: 'prd-redis', region: 'ap-northeast-1', ...over,
});
const attempt = (status: ProbeAttempt['status'], detail: string = status): ProbeAttempt => ({ status, detail });
function probe(speaks: ProbeResult['speaks'], over: Partial<ProbeResult> = {}): ProbeResult {
  const p = speaks === 'plaintext' || speaks === 'both' ? attempt('ok', 'PONG over plaintext in 2 ms') : attempt('reset', 'the server reset the connection');
  const t = speaks === 'tls' || speaks === 'both' ? attempt('ok', 'TLS handshake completed (TLSv1.3)') : attempt('handshake-failed', 'wrong version number');
  return { endpoint: 'prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com:6379', plaintext: p, tls: t, speaks, ...over };
}
const live = (l: Partial<LiveFacts>): LiveFacts => ({ errors: [], ...l });

describe('transport mismatch, confirmed or overturned', () => {
  it('wrong version + TransitEncryptionEnabled=false -> tls-to-plaintext, high, with the flag as evidence', () => {
    const d = refineWithLive(diag('tls-to-plaintext', 'medium'), [finding('tls-to-plaintext', 'python-ssl-wrong-version')], ctx({ tls: true }), live({ group: group() }));
    expect(d.cause).toBe('tls-to-plaintext');
    expect(d.confidence).toBe('high');
    expect(d.reasons[0]).toBe('AWS: prd-redis has TransitEncryptionEnabled=false, so its endpoints speak plaintext only (engine redis 6.2.6).');
    expect(d.summary).toMatch(/prd-redis has in-transit encryption disabled \(TransitEncryptionEnabled=false\)/);
    // The live check has been done: it is no longer a next step.
    expect(d.nextChecks.some((c) => c.includes('--live'))).toBe(false);
  });

  it('wrong version + TLS enabled -> not tls-to-plaintext; says what else fits', () => {
    const d = refineWithLive(diag('tls-to-plaintext'), [finding('tls-to-plaintext')], ctx({ endpoint: { host: 'master.prd-redis.abc123.apne1.cache.amazonaws.com', port: 6379 } }), live({ group: group(TLS_GROUP) }));
    expect(d.cause).not.toBe('tls-to-plaintext');
    expect(d.cause).toBe('unknown');
    expect(d.reasons[0]).toMatch(/TransitEncryptionEnabled=true with TransitEncryptionMode=required/);
    expect(d.reasons.some((r) => /enabling TLS on the group would change nothing/.test(r))).toBe(true);
    const alts = d.alternatives.join('\n');
    expect(alts).toMatch(/proxy/i);
    expect(alts).toMatch(/wrong host or port/);
    expect(alts).toMatch(/Another group's endpoint/);
  });

  it('wrong version against a serverless cache -> overturned: serverless is always TLS', () => {
    const sls = group({ kind: 'serverless', replicationGroupId: 'sessions', transitEncryptionEnabled: true, endpoints: [{ role: 'serverless', host: 'sessions-x1y2z3.serverless.apne1.cache.amazonaws.com', port: 6379 }], memberClusters: [] });
    const d = refineWithLive(diag('tls-to-plaintext'), [finding('tls-to-plaintext')], ctx({ endpoint: { host: 'sessions-x1y2z3.serverless.apne1.cache.amazonaws.com', port: 6379 }, replicationGroupId: undefined }), live({ group: sls }));
    expect(d.cause).toBe('unknown');
    expect(d.reasons[0]).toMatch(/Serverless cache, and serverless caches always use TLS/);
  });

  it('reset/EOF + mode required -> plaintext-to-tls, high', () => {
    const d = refineWithLive(diag('plaintext-to-tls', 'medium'), [finding('plaintext-to-tls', 'connection-reset')], ctx({ endpoint: { host: 'master.prd-redis.abc123.apne1.cache.amazonaws.com', port: 6379 }, tls: false }), live({ group: group(TLS_GROUP) }));
    expect(d).toMatchObject({ cause: 'plaintext-to-tls', confidence: 'high' });
    expect(d.summary).toMatch(/accepts TLS clients only \(TransitEncryptionMode=required\)/);
  });

  it('reset + serverless -> plaintext-to-tls, high: serverless always requires TLS', () => {
    const sls = group({ kind: 'serverless', replicationGroupId: 'sessions', transitEncryptionEnabled: true, endpoints: [{ role: 'serverless', host: 'sessions-x1y2z3.serverless.apne1.cache.amazonaws.com', port: 6379 }], memberClusters: [] });
    const d = refineWithLive(diag('plaintext-to-tls', 'medium'), [finding('plaintext-to-tls')], ctx({ endpoint: { host: 'sessions-x1y2z3.serverless.apne1.cache.amazonaws.com', port: 6379 } }), live({ group: sls }));
    expect(d).toMatchObject({ cause: 'plaintext-to-tls', confidence: 'high' });
    expect(d.summary).toMatch(/serverless cache, which always requires TLS/);
  });

  it('mode preferred -> both kinds of client work: look elsewhere', () => {
    const pref = group({ ...TLS_GROUP, transitEncryptionMode: 'preferred' });
    const d = refineWithLive(diag('plaintext-to-tls', 'high'), [finding('plaintext-to-tls')], ctx({ endpoint: { host: 'master.prd-redis.abc123.apne1.cache.amazonaws.com', port: 6379 } }), live({ group: pref }));
    expect(d.cause).toBe('unknown');
    expect(d.summary).toMatch(/both kinds of client work/);
    expect(d.alternatives.join(' ')).toMatch(/maxclients/);
    expect(d.reasons).toContain('From the paste: from the paste');
  });

  it('a pending change is mentioned, and does not change what the endpoint speaks now', () => {
    const pending = group({ pendingTransitEncryptionEnabled: true, pendingTransitEncryptionMode: 'preferred', status: 'modifying' });
    const d = refineWithLive(diag('tls-to-plaintext'), [finding('tls-to-plaintext')], ctx(), live({ group: pending }));
    expect(d).toMatchObject({ cause: 'tls-to-plaintext', confidence: 'high' });
    expect(d.reasons.join(' ')).toMatch(/A change to prd-redis is pending \(TransitEncryptionEnabled=true, TransitEncryptionMode=preferred\)/);
    expect(d.reasons.join(' ')).toMatch(/status "modifying"/);
  });

  it('the probe alone decides: plaintext-only endpoint + wrong version -> high', () => {
    const d = refineWithLive(diag('tls-to-plaintext', 'medium'), [finding('tls-to-plaintext')], ctx(), live({ probe: probe('plaintext') }));
    expect(d).toMatchObject({ cause: 'tls-to-plaintext', confidence: 'high' });
    expect(d.reasons[0]).toMatch(/^Probe from the bot: .* answers plaintext only/);
  });

  it('the probe says TLS-only while the paste says wrong version -> overturned', () => {
    const d = refineWithLive(diag('tls-to-plaintext'), [finding('tls-to-plaintext')], ctx(), live({ probe: probe('tls') }));
    expect(d.cause).toBe('unknown');
  });

  it('AWS and the probe disagree -> medium, and says so', () => {
    const d = refineWithLive(diag('tls-to-plaintext', 'high'), [finding('tls-to-plaintext')], ctx(), live({ group: group(), probe: probe('tls') }));
    expect(d).toMatchObject({ cause: 'tls-to-plaintext', confidence: 'medium' });
    expect(d.reasons.join(' ')).toMatch(/AWS and the probe disagree/);
  });

  it('an open timeout from a TLS client is decided by a plaintext group', () => {
    const d = refineWithLive(diag('network-timeout', 'low'), [finding('network-timeout', 'node-etimedout')], ctx({ tls: true }), live({ group: group() }));
    expect(d).toMatchObject({ cause: 'tls-to-plaintext', confidence: 'medium' });
  });

  it('facts about another group do not decide the transport of the host in the paste', () => {
    const other = group({ ...TLS_GROUP, replicationGroupId: 'other', endpoints: [{ role: 'primary', host: 'master.other.abc123.apne1.cache.amazonaws.com', port: 6379 }], memberClusters: ['other-001'] });
    const d = refineWithLive(diag('tls-to-plaintext', 'high'), [finding('tls-to-plaintext')], ctx(), live({ group: other }));
    expect(d.cause).toBe('tls-to-plaintext');
    expect(d.reasons.join(' ')).toMatch(/is not one of other's endpoints \(it names prd-redis\)/);
  });
});

describe('auth, cluster, certificates', () => {
  it('NOAUTH + AuthTokenEnabled -> auth-missing confirmed', () => {
    const d = refineWithLive(diag('auth-missing', 'medium'), [finding('auth-missing')], ctx(), live({ group: group({ ...TLS_GROUP, authTokenEnabled: true }) }));
    expect(d).toMatchObject({ cause: 'auth-missing', confidence: 'high' });
    expect(d.reasons[0]).toMatch(/AuthTokenEnabled=true: every client must send the AUTH token/);
  });

  it('NOAUTH against a group with no auth at all -> doubted, another server suggested', () => {
    const d = refineWithLive(diag('auth-missing', 'high'), [finding('auth-missing')], ctx(), live({ group: group() }));
    expect(d.confidence).toBe('medium');
    expect(d.alternatives[0]).toMatch(/another server/);
  });

  it('WRONGPASS + RBAC -> names the user groups', () => {
    const d = refineWithLive(diag('auth-rejected', 'medium'), [finding('auth-rejected')], ctx(), live({ group: group({ ...TLS_GROUP, userGroupIds: ['app-users'] }) }));
    expect(d).toMatchObject({ cause: 'auth-rejected', confidence: 'high' });
    expect(d.reasons[0]).toMatch(/RBAC \(user groups app-users\)/);
  });

  it('WRONGPASS + token -> mentions when the token last changed', () => {
    const d = refineWithLive(diag('auth-rejected'), [finding('auth-rejected')], ctx(), live({ group: group({ ...TLS_GROUP, authTokenEnabled: true, authTokenLastModifiedDate: '2025-11-02T10:00:00.000Z' }) }));
    expect(d.reasons[0]).toMatch(/token was last changed 2025-11-02T10:00:00.000Z/);
  });

  it('AUTH without a password configured + AuthTokenEnabled=false -> confirmed; with a token -> doubted', () => {
    const ok = refineWithLive(diag('auth-not-enabled', 'medium'), [finding('auth-not-enabled')], ctx(), live({ group: group() }));
    expect(ok.confidence).toBe('high');
    const doubt = refineWithLive(diag('auth-not-enabled', 'high'), [finding('auth-not-enabled')], ctx(), live({ group: group({ ...TLS_GROUP, authTokenEnabled: true }) }));
    expect(doubt.confidence).toBe('medium');
  });

  it('MOVED + cluster mode enabled -> cluster-redirect high, with the configuration endpoint', () => {
    const cl = group({ ...TLS_GROUP, clusterEnabled: true, numNodeGroups: 3, endpoints: [{ role: 'configuration', host: 'clustercfg.prd-redis.abc123.apne1.cache.amazonaws.com', port: 6379 }] });
    const d = refineWithLive(diag('cluster-redirect', 'medium'), [finding('cluster-redirect')], ctx({ endpoint: undefined }), live({ group: cl }));
    expect(d).toMatchObject({ cause: 'cluster-redirect', confidence: 'high' });
    expect(d.reasons[0]).toMatch(/configuration endpoint clustercfg\.prd-redis/);
  });

  it('a certificate complaint against a group without TLS -> doubted', () => {
    const d = refineWithLive(diag('tls-untrusted-cert'), [finding('tls-untrusted-cert')], ctx(), live({ group: group() }));
    expect(d.confidence).toBe('medium');
    expect(d.reasons[0]).toMatch(/presents no certificate/);
  });

  it('hostname mismatch confirmed by the probe\'s name check', () => {
    const p = probe('tls', { tls: { status: 'ok', detail: 'TLS handshake completed', certificate: { trusted: false, chainTrusted: true, hostnameMatches: false, reason: "Hostname/IP does not match certificate's altnames: IP: 10.0.1.5 is not in the cert's list: " } } });
    const d = refineWithLive(diag('tls-hostname-mismatch', 'medium'), [finding('tls-hostname-mismatch')], ctx({ endpoint: { host: '10.0.1.5', port: 6379 } }), live({ probe: p }));
    expect(d.confidence).toBe('high');
    expect(d.reasons[0]).toMatch(/not valid for that name/);
  });
});

describe('no paste: a health summary', () => {
  it('summarises scheme, host name and auth; the cause stays unknown', () => {
    const d = refineWithLive(diag('unknown', 'low', []), [], ctx({ endpoint: undefined, redisContext: [] }), live({ group: group({ ...TLS_GROUP, authTokenEnabled: true }) }));
    expect(d.cause).toBe('unknown');
    expect(d.summary).toBe('prd-redis (replication group, redis 6.2.6). Clients connect with TLS: rediss://master.prd-redis.abc123.apne1.cache.amazonaws.com:6379, with the AUTH token as the password.');
    expect(d.reasons.join(' ')).toMatch(/AuthTokenEnabled=true/);
    expect(d.reasons.join(' ')).toMatch(/cluster mode disabled/);
  });

  it('a cluster with RBAC: cluster-aware client, user and password', () => {
    const cl = group({ ...TLS_GROUP, clusterEnabled: true, userGroupIds: ['app-users'], endpoints: [{ role: 'configuration', host: 'clustercfg.prd-redis.abc123.apne1.cache.amazonaws.com', port: 6379 }] });
    const d = refineWithLive(diag('unknown', 'low', []), [], ctx({ endpoint: undefined }), live({ group: cl }));
    expect(d.summary).toMatch(/rediss:\/\/clustercfg\.prd-redis\.abc123\.apne1\.cache\.amazonaws\.com:6379, with an RBAC user name and password \(user groups app-users\), through a cluster-aware client/);
  });

  it('something clearly wrong: the client is set up for TLS against a plaintext group', () => {
    const d = refineWithLive(diag('unknown', 'low', []), [], ctx({ scheme: 'rediss', tls: true }), live({ group: group() }));
    expect(d).toMatchObject({ cause: 'tls-to-plaintext', confidence: 'medium' });
  });

  it('only a probe: says what the endpoint speaks', () => {
    const d = refineWithLive(diag('unknown', 'low', []), [], ctx(), live({ probe: probe('both') }));
    expect(d.summary).toMatch(/accepts both TLS and plaintext clients/);
  });

  it('no facts: the diagnosis is returned unchanged', () => {
    const before = diag('tls-to-plaintext', 'medium');
    expect(refineWithLive(before, [finding('tls-to-plaintext')], ctx(), live({ errors: ['AWS did not answer'] }))).toEqual(before);
  });
});

describe('hostBelongsToGroup', () => {
  it('matches endpoints, member nodes and names of the same group; cannot tell for aliases', () => {
    const g = group();
    expect(hostBelongsToGroup('prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com', g)).toBe(true);
    expect(hostBelongsToGroup('prd-redis-002.abc123.0002.apne1.cache.amazonaws.com', g)).toBe(true);
    expect(hostBelongsToGroup('master.prd-redis.abc123.apne1.cache.amazonaws.com', g)).toBe(true);
    expect(hostBelongsToGroup('master.other.abc123.apne1.cache.amazonaws.com', g)).toBe(false);
    expect(hostBelongsToGroup('redis.internal.example.com', g)).toBeUndefined();
    expect(hostBelongsToGroup(undefined, g)).toBeUndefined();
  });
});

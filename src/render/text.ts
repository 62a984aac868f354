import { CAUSE_TITLES } from '../diagnosis/causes.js';
import type { LiveFacts, ProbeAttempt } from '../live/types.js';
import type { Report } from '../report.js';

/** Terminal / Markdown rendering: what a person reads first comes first (cause, why, evidence, next step). */
export function renderText(report: Report): string {
  const out: string[] = [];
  const title = report.cause === 'unknown' ? 'No known Redis connection error' : CAUSE_TITLES[report.cause];
  out.push(`# ${title}`);
  out.push(`cause: ${report.cause} · confidence: ${report.confidence}`);
  out.push('');
  out.push(report.summary);

  if (report.reasons.length) {
    out.push('', '## Why');
    for (const r of report.reasons) out.push(`- ${r}`);
  }
  if (report.findings.length) {
    out.push('', '## Evidence');
    for (const f of report.findings.slice(0, 8)) out.push(`- [${f.signature}] ${f.evidence}`);
    if (report.findings.length > 8) out.push(`- … and ${report.findings.length - 8} more`);
  }
  const ctx = contextLine(report);
  if (ctx) out.push('', `Context: ${ctx}`);
  if (report.live) out.push('', ...liveLines(report.live));
  if (report.alternatives.length) {
    out.push('', '## What else fits');
    for (const a of report.alternatives) out.push(`- ${a}`);
  }

  const fix = report.fix;
  if (fix.warnings.length) {
    out.push('', '## Warnings');
    for (const w of fix.warnings) out.push(`- ⚠ ${w}`);
  }
  if (fix.steps.length) {
    out.push('', '## Fix');
    fix.steps.forEach((s, i) => out.push(`${i + 1}. ${s}`));
  }
  const diffs = fix.terraformChanges?.length ? fix.terraformChanges : fix.terraform ? [fix.terraform] : [];
  for (const d of diffs) {
    const label = d.alternative ? (d.replaces ? 'ALTERNATIVE, REPLACES THE GROUP' : 'alternative') : d.step ? `step ${d.step}` : '';
    out.push('', `## Terraform: ${d.file}${label ? ` (${label})` : ''}${d.description ? ` — ${d.description}` : ''}`);
    // A diff's own warnings stand above it: read before applying.
    for (const w of d.warnings ?? []) out.push(`⚠ ${w}`);
    out.push('```diff', d.diff.trimEnd(), '```');
  }
  if (fix.terraformSketch) out.push('', '## Terraform sketch (from live facts; not your code)', '```hcl', fix.terraformSketch.trimEnd(), '```');
  if (fix.awsCli?.length) out.push('', '## AWS CLI', '```sh', ...fix.awsCli, '```');
  if (fix.cloudFormation) out.push('', '## CloudFormation', '```yaml', fix.cloudFormation.trimEnd(), '```');
  if (fix.client) {
    out.push('', `## Client change (${fix.client.client})`, fix.client.description, '```', fix.client.snippet.trimEnd(), '```');
  }
  for (const alt of fix.clientAlternatives ?? []) {
    out.push('', `### Or, for ${alt.client}`, alt.description, '```', alt.snippet.trimEnd(), '```');
  }
  if (fix.notes?.length) {
    out.push('', '## Notes');
    for (const n of fix.notes) out.push(`- ${n}`);
  }
  if (report.nextChecks.length) {
    out.push('', '## Next');
    for (const n of report.nextChecks) out.push(`- ${n}`);
  }
  const footer: string[] = [];
  if (report.redactions > 0) footer.push(`${report.redactions} secret${report.redactions === 1 ? '' : 's'} redacted from the input`);
  footer.push(...report.input.notes);
  if (footer.length) out.push('', `(${footer.join('; ')})`);
  return `${out.join('\n')}\n`;
}

function contextLine(report: Report): string {
  const c = report.context;
  const parts: string[] = [];
  if (c.endpoint) parts.push(`endpoint ${c.endpoint.host}${c.endpoint.port ? `:${c.endpoint.port}` : ''}`);
  if (c.replicationGroupId) parts.push(`group ${c.replicationGroupId}`);
  if (c.serverlessCacheName) parts.push(`serverless cache ${c.serverlessCacheName}`);
  if (c.region) parts.push(`region ${c.region}`);
  if (c.client) parts.push(`client ${c.client}`);
  else if (c.language) parts.push(`language ${c.language}`);
  if (c.tls !== undefined) parts.push(`client TLS ${c.tls ? 'yes' : 'no'}`);
  return parts.join(' · ');
}

function liveLines(live: LiveFacts): string[] {
  const out = ['## Live checks'];
  const g = live.group;
  if (g) {
    out.push(
      `- ${g.kind === 'serverless' ? 'Serverless cache' : 'Group'} ${g.replicationGroupId} (${g.region}): TransitEncryptionEnabled=${fmt(g.transitEncryptionEnabled)}, ` +
        `TransitEncryptionMode=${g.transitEncryptionEnabled === false ? 'none' : fmt(g.transitEncryptionMode)}, AuthTokenEnabled=${fmt(g.authTokenEnabled)}, ClusterEnabled=${fmt(g.clusterEnabled)}, ` +
        `engine ${g.engine ?? '?'} ${g.engineVersion ?? '?'}${g.status ? `, status ${g.status}` : ''}`,
    );
  }
  const p = live.probe;
  if (p) {
    out.push(`- Probe ${p.endpoint}: plaintext ${attempt(p.plaintext)}; TLS ${attempt(p.tls)}${p.speaks ? ` → speaks ${p.speaks}` : ''}`);
  }
  for (const d of live.denied ?? []) out.push(`- ${d}`);
  for (const e of live.errors) out.push(`- Could not check: ${e}`);
  return out;
}

function attempt(a: ProbeAttempt): string {
  const cert = a.certificate ? ` (certificate ${a.certificate.trusted ? 'trusted' : `not trusted: ${a.certificate.reason ?? 'unknown reason'}`})` : '';
  return `${a.status}${a.detail ? ` (${a.detail})` : ''}${cert}`;
}

function fmt(v: unknown): string {
  return v === null || v === undefined ? 'unknown' : String(v);
}

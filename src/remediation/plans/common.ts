import type { Context, Diagnosis } from '../../diagnosis/types.js';
import type { GroupFacts } from '../../live/types.js';
import type { ClientChange } from '../types.js';
import { KNOWN_CLIENTS, clientChange, commonClientChanges, type SnippetOptions } from '../clients.js';
import type { Endpoints } from '../endpoints.js';
import { dialName } from '../endpoints.js';
import type { EngineFacts, ProviderFacts } from '../facts.js';
import type { PlanBuilder, TfContext } from '../plan.js';

export interface PlanInput {
  diagnosis: Diagnosis;
  context: Context;
  b: PlanBuilder;
  /** Present when a Terraform tree or pasted HCL was read (tf.cand is the located resource, if any). */
  tf?: TfContext;
  group?: GroupFacts;
  groupId?: string;
  engine: EngineFacts;
  provider: ProviderFacts;
  /** TLS-style host names. */
  tls?: Endpoints;
  cluster: boolean;
  auth: 'none' | 'token' | 'rbac';
  port: number;
}

export const PLACEHOLDER_PRIMARY = 'master.<group-id>.<hash>.<region>.cache.amazonaws.com';

/** The TLS host name a client should dial. */
export function tlsHost(p: PlanInput): string {
  return dialName(p.tls, p.cluster) ?? (p.context.endpoint?.host && /^(master|clustercfg)\./.test(p.context.endpoint.host) ? p.context.endpoint.host : PLACEHOLDER_PRIMARY);
}

/** The host the client uses today (from the paste or live facts). */
export function currentHost(p: PlanInput): string {
  return p.context.endpoint?.host ?? p.group?.endpoints.find((e) => e.role === (p.cluster ? 'configuration' : 'primary'))?.host ?? '<the group\'s endpoint>';
}

function snippetOptions(p: PlanInput, o: Partial<SnippetOptions>): SnippetOptions {
  return { host: tlsHost(p), port: p.port, tls: true, cluster: p.cluster, auth: p.auth, caBundle: false, ...o };
}

/** The client change for the library the paste came from (generic when it names none). */
export function buildClient(p: PlanInput, description: string, o: Partial<SnippetOptions>): ClientChange {
  return clientChange(p.context.client, snippetOptions(p, o), description);
}

/** Sets the plan's client change; when the paste names no library, the common ones follow briefly. */
export function addClient(p: PlanInput, description: string, o: Partial<SnippetOptions>): void {
  p.b.client(buildClient(p, description, o));
  const client = p.context.client;
  if (!client || !KNOWN_CLIENTS.includes(client)) {
    for (const c of commonClientChanges(snippetOptions(p, o), description)) p.b.clientAlternative(c);
  }
}

export function tlsNamesSentence(p: PlanInput): string {
  const e = p.tls;
  if (!e) return `the TLS host names (master.<id>… for the primary, replica.<id>… for readers, clustercfg.<id>… for cluster mode)`;
  const parts = [
    e.primary && `primary ${e.primary}`,
    e.reader && `reader ${e.reader}`,
    e.configuration && `configuration ${e.configuration}`,
  ].filter(Boolean);
  return `the TLS host names (${parts.join(', ')}; ${e.source})`;
}

export const VERIFY_OFF_COST =
  'Do not switch certificate verification off as the fix (ssl_cert_reqs=None, rejectUnauthorized: false, InsecureSkipVerify, a trust-all TrustManager, #insecure): the traffic stays encrypted but anyone who can intercept it can pose as the server and read the data and the AUTH token.';

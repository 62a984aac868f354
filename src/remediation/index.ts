// The safe fix (issue 4): locate the group's Terraform, choose the plan for the cause from the facts that decide
// it (running engine, provider version, transit mode, RBAC), and produce diffs that `git apply` accepts.
// Pure but for reading .tf files. docs/fix.md explains the choices, with sources.
import type { Context, Diagnosis, Finding } from '../diagnosis/types.js';
import type { LiveFacts } from '../live/types.js';
import { tlsEndpoints } from './endpoints.js';
import { concreteAttr, engineFacts, providerFacts } from './facts.js';
import { PlanBuilder, type TfContext } from './plan.js';
import { planAuthMissing, planAuthNotEnabled, planAuthRejected } from './plans/auth.js';
import type { PlanInput } from './plans/common.js';
import {
  planClusterRedirect, planConnectionRefused, planCrossSlot, planDnsFailure, planHandshakeFailure,
  planHostnameMismatch, planNetworkTimeout, planReadonlyReplica, planUnknown, planUntrustedCert,
} from './plans/other.js';
import { planPlaintextToTls, planTlsToPlaintext } from './plans/tls.js';
import { Evaluator } from './terraform/evaluate.js';
import { locate } from './terraform/locate.js';
import { loadTree, treeFromHcl, type TfTree } from './terraform/tree.js';
import { Workspace } from './terraform/workspace.js';
import type { Fix } from './types.js';

export interface FixInput {
  diagnosis: Diagnosis;
  findings: Finding[];
  context: Context;
  live?: LiveFacts;
}

export interface FixOptions {
  terraformDir?: string;
  terraformHcl?: string;
}

async function readTerraform(options: FixOptions): Promise<TfTree | undefined> {
  if (options.terraformDir) return loadTree(options.terraformDir);
  if (options.terraformHcl && options.terraformHcl.trim()) return treeFromHcl(options.terraformHcl);
  return undefined;
}

function isCluster(input: FixInput, tf: TfContext | undefined): boolean {
  const g = input.live?.group;
  if (g?.clusterEnabled != null) return g.clusterEnabled;
  const cand = tf?.cand;
  if (cand) {
    const mode = concreteAttr(cand, tf.ev, 'cluster_mode');
    if (mode) return mode === 'enabled';
    const groups = Number(concreteAttr(cand, tf.ev, 'num_node_groups'));
    if (groups > 1) return true;
    const pg = concreteAttr(cand, tf.ev, 'parameter_group_name');
    if (pg) return /cluster\.on/.test(pg);
  }
  return input.context.endpointKind === 'configuration' || input.diagnosis.cause === 'cluster-redirect';
}

function authKind(input: FixInput, tf: TfContext | undefined): PlanInput['auth'] {
  const g = input.live?.group;
  if (g && g.userGroupIds.length > 0) return 'rbac';
  if (g?.authTokenEnabled) return 'token';
  if (tf?.cand?.attrs.user_group_ids !== undefined) return 'rbac';
  if (tf?.cand?.attrs.auth_token !== undefined) return 'token';
  return 'none';
}

export async function planFix(input: FixInput, options: FixOptions): Promise<Fix> {
  const b = new PlanBuilder();
  const group = input.live?.group;
  const groupId = input.context.replicationGroupId ?? group?.replicationGroupId;

  let tf: TfContext | undefined;
  try {
    const tree = await readTerraform(options);
    if (tree) {
      const loc = locate(tree, groupId);
      tf = { tree, loc, cand: loc.chosen, ev: new Evaluator(tree), ws: new Workspace(tree) };
      for (const n of [...tree.notes, ...loc.notes]) b.note(n);
      if (tree.pasted && loc.chosen) b.note('The diffs are against the pasted Terraform, named main.tf here: apply them to the file it came from.');
    }
  } catch (err) {
    // A file the scanner cannot follow: say so and plan without Terraform rather than risk a corrupt patch.
    b.note(`The Terraform could not be read safely (${err instanceof Error ? err.message : String(err)}); no diff was made.`);
    tf = undefined;
  }

  const engine = engineFacts(group, tf?.cand, tf?.ev);
  const provider = providerFacts(tf?.tree);
  const tls = tlsEndpoints(input.context, group);
  const p: PlanInput = {
    diagnosis: input.diagnosis, context: input.context, b, tf, group, groupId, engine, provider, tls,
    cluster: isCluster(input, tf), auth: authKind(input, tf),
    port: input.context.endpoint?.port ?? group?.endpoints[0]?.port ?? (Number(concreteAttr(tf?.cand, tf?.ev, 'port')) || 6379),
  };

  try {
    switch (input.diagnosis.cause) {
      case 'tls-to-plaintext': planTlsToPlaintext(p); break;
      case 'plaintext-to-tls': planPlaintextToTls(p); break;
      case 'tls-untrusted-cert': planUntrustedCert(p); break;
      case 'tls-hostname-mismatch': planHostnameMismatch(p); break;
      case 'tls-handshake-failure': planHandshakeFailure(p); break;
      case 'auth-missing': planAuthMissing(p); break;
      case 'auth-rejected': planAuthRejected(p); break;
      case 'auth-not-enabled': planAuthNotEnabled(p); break;
      case 'cluster-redirect': planClusterRedirect(p); break;
      case 'cluster-crossslot': planCrossSlot(p); break;
      case 'readonly-replica': planReadonlyReplica(p); break;
      case 'network-timeout': planNetworkTimeout(p); break;
      case 'connection-refused': planConnectionRefused(p); break;
      case 'dns-failure': planDnsFailure(p); break;
      default: planUnknown(p); break;
    }
  } catch (err) {
    b.note(`Part of the plan could not be built (${err instanceof Error ? err.message : String(err)}).`);
  }

  const fix = b.finish();
  fix.facts = {
    engine: engine.engine,
    ...(engine.version ? { engineVersion: engine.version, engineVersionSource: engine.source } : {}),
    engineInPlace: engine.verdict,
    ...(provider.version ? { providerVersion: provider.version, providerVersionSource: provider.source } : {}),
    providerInPlace: provider.verdict,
    ...(tf?.cand ? { resource: { address: tf.cand.address, file: tf.cand.file.rel } } : {}),
    ...(tls ? { tlsEndpoints: tls } : {}),
  };
  return fix;
}

export type { Fix, TerraformChange, ClientChange, FixFacts } from './types.js';

// AUTH plans. Facts (terraform-provider-aws docs and ModifyReplicationGroup):
// - auth_token can be set only with transit_encryption_enabled = true;
// - auth_token_update_strategy: ROTATE (default) adds the new token and keeps accepting the old one (or no
//   password at all on a passwordless group); SET, allowed after ROTATE, makes the new token the only one;
//   DELETE removes the token and is allowed only while moving to RBAC user groups;
// - auth_token and user_group_ids conflict; "preferred" transit mode is not supported with RBAC.
import { hclValue } from '../hcl/edit.js';
import { concreteAttr } from '../facts.js';
import { ensureVariable, setOnGroup } from '../plan.js';
import { addClient, type PlanInput } from './common.js';

const TOKEN_VAR = `variable "redis_auth_token" {
  description = "AUTH token for the replication group (16-128 printable characters, no / \\" @)"
  type        = string
  sensitive   = true
}`;

function transitOn(p: PlanInput): boolean | undefined {
  if (p.group?.transitEncryptionEnabled != null) return p.group.transitEncryptionEnabled;
  const cand = p.tf?.cand;
  if (!cand) return undefined;
  // Absent from the resource means the provider's default: off.
  if (cand.attrs.transit_encryption_enabled === undefined) return false;
  const v = concreteAttr(cand, p.tf!.ev, 'transit_encryption_enabled');
  return v === undefined ? undefined : v === 'true';
}

const STRATEGIES = 'auth_token_update_strategy: ROTATE adds the new token and keeps accepting the old one (connected clients keep working, new connections may use either); SET, allowed after a ROTATE, makes the new token the only one, so clients that authenticate again with the old token are refused; DELETE removes the token and is allowed only while moving to RBAC user groups.';

export function planAuthMissing(p: PlanInput): void {
  const { b } = p;
  const auth = p.auth === 'none' ? 'token' : p.auth;
  if (auth === 'rbac') {
    b.step('The group uses RBAC user groups: give the client a user name and its password (AUTH <user> <password>; with RESP3, HELLO 3 AUTH <user> <password>). Keep both in a secret store and pass them in the environment.');
  } else {
    b.step('The group requires its AUTH token: give the client the token from your secret store (Secrets Manager or SSM), passed in the environment, never in code or in a URL you log.');
  }
  addClient(p, 'Send the credentials the group requires', { auth, tls: transitOn(p) !== false });
  b.step(`If the token was changed recently, check the rotation state: ${STRATEGIES}`);
}

export function planAuthRejected(p: PlanInput): void {
  const { b } = p;
  b.step('The server refused the credentials: compare the client\'s token with the current one in your secret store (a stale copy after a rotation is the usual cause), and check that special characters are percent-encoded when the password sits in a URL.');
  if ((p.group?.userGroupIds.length ?? 0) > 0) {
    b.step('The group uses RBAC: the user name matters too. A client that sends only a password authenticates as the "default" user, which is often disabled in RBAC user groups.');
  }
  b.step(`After a rotation: ${STRATEGIES}`);
  addClient(p, 'Send the current credentials', { auth: p.auth === 'none' ? 'token' : p.auth, tls: transitOn(p) !== false });
}

export function planAuthNotEnabled(p: PlanInput): void {
  const { b } = p;
  b.step('The group has no password: the quickest fix is to stop sending one (remove the password or token from the client configuration).');
  addClient(p, 'Connect without AUTH (the group has no password)', { auth: 'none', tls: transitOn(p) !== false });
  const tls = transitOn(p);
  if (tls === false) {
    b.warn('auth_token can be set only when transit_encryption_enabled = true: to protect the group with a token, enable TLS first (see the TLS plan), then add the token.');
    return;
  }
  if ((p.group?.userGroupIds.length ?? 0) > 0 || p.tf?.cand?.attrs.user_group_ids !== undefined) {
    b.note('The group uses RBAC user groups: manage access through users, not auth_token (the two conflict).');
    return;
  }
  const text = 'To require a password instead, add an AUTH token with auth_token_update_strategy = "ROTATE": on a passwordless group both ways keep working, so clients can start sending the token; then apply again with "SET" so the token becomes required.';
  const cand = p.tf?.cand;
  if (p.tf && cand && cand.kind === 'resource' && !cand.instance.call) {
    b.terraformStep(text, p.tf.ws, (w) => {
      const manual = setOnGroup(p.tf!, w, [
        { name: 'auth_token', value: 'var.redis_auth_token', after: ['transit_encryption_mode', 'transit_encryption_enabled', 'at_rest_encryption_enabled'] },
        { name: 'auth_token_update_strategy', value: hclValue('ROTATE'), after: ['auth_token'] },
      ]);
      if (manual.length === 0 && w.canEdit(cand.file.rel)) ensureVariable(w, p.tf!, cand.file.rel, 'redis_auth_token', TOKEN_VAR);
      return manual;
    }, { description: 'add an AUTH token (ROTATE)' });
    b.step('Pass the token as TF_VAR_redis_auth_token from your secret store (never commit it). When every client sends it, change auth_token_update_strategy to "SET" and apply.');
  } else {
    b.step(text);
  }
}

// The policy's public surface (docs/policy.md): load and check the file, build the authorizer, resolve user groups.
export { allowAll, type Authorizer, type Decision, type Feature, type Requester, type Target } from './types.js';
export { PolicyError, loadPolicyFile, parsePolicy, type ParseResult } from './load.js';
export { createAuthorizer, type AuthorizerOptions } from './default.js';
export { authorizerFromConfig, type PolicyConfig } from './from-config.js';
export { checkPolicyFile, type PolicyCheck } from './doctor.js';
export { createUserGroupResolver, type UserGroupResolver, type UserGroupsApi } from './usergroups.js';
export type { Binding, Policy } from './model.js';

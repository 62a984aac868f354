/**
 * Turns an AWS SDK failure into a sentence a person reads in the reply: what could not be checked and why.
 * Never a stack trace; AWS error messages carry no secrets, but we still cut them short.
 */
export type AwsFailureKind =
  | 'not-found' | 'access-denied' | 'throttled' | 'no-credentials' | 'bad-credentials' | 'assume-role'
  | 'timeout' | 'unreachable' | 'other';

export interface AwsFailure {
  kind: AwsFailureKind;
  /** `elasticache:DescribeReplicationGroups` etc. */
  iamAction: string;
  sentence: string;
}

interface SdkErrorLike {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  cause?: unknown;
}

const THROTTLE = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'RequestLimitExceeded', 'TooManyRequestsException', 'RequestThrottled', 'RequestThrottledException', 'APICallRateForCustomerExceeded']);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError']);
const BAD_CREDS = new Set(['InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'ExpiredToken', 'ExpiredTokenException', 'InvalidAccessKeyId']);
const NOT_FOUND = new Set(['ReplicationGroupNotFoundFault', 'CacheClusterNotFound', 'CacheClusterNotFoundFault', 'ServerlessCacheNotFoundFault']);
const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

function shorten(text: string, max = 300): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** The principal AWS names in an IAM denial: `User: arn:... is not authorized to perform: ...`. */
function deniedPrincipal(message: string): string | undefined {
  return /User: (\S+) is not authorized/.exec(message)?.[1];
}

export function classifyAwsError(err: unknown, iamAction: string, timeoutMs: number): AwsFailure {
  const e = (err ?? {}) as SdkErrorLike;
  const name = e.name ?? e.Code ?? '';
  const code = e.code ?? (e.cause as SdkErrorLike | undefined)?.code ?? '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  const attempts = e.$metadata?.attempts;

  if (NOT_FOUND.has(name)) return { kind: 'not-found', iamAction, sentence: shorten(message) };
  if (DENIED.has(name) || e.$metadata?.httpStatusCode === 403 && !BAD_CREDS.has(name)) {
    const who = deniedPrincipal(message);
    return {
      kind: 'access-denied', iamAction,
      sentence: `AWS denied ${iamAction}${who ? ` to ${who}` : ''}: the bot's IAM policy is missing that action (see deploy/iam-policy.json).`,
    };
  }
  if (THROTTLE.has(name)) {
    return {
      kind: 'throttled', iamAction,
      sentence: `AWS throttled ${iamAction} (${name})${attempts ? ` and was still throttling after ${attempts} attempts` : ''}; try again in a minute.`,
    };
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return {
      kind: 'no-credentials', iamAction,
      sentence: 'No AWS credentials are configured for the bot (instance or task role, AWS_PROFILE, or AWS_ACCESS_KEY_ID), so AWS was not asked.',
    };
  }
  if (BAD_CREDS.has(name)) {
    return { kind: 'bad-credentials', iamAction, sentence: `AWS rejected the bot's credentials (${name}) when calling ${iamAction}.` };
  }
  if (name === 'AbortError' || name === 'TimeoutError' || code === 'ETIMEDOUT' || /timed? ?out/i.test(message) && !NETWORK.has(code)) {
    return { kind: 'timeout', iamAction, sentence: `AWS did not answer ${iamAction} within ${(timeoutMs / 1000).toFixed(timeoutMs % 1000 ? 1 : 0)} s.` };
  }
  if (NETWORK.has(code) || NETWORK.has(name)) {
    return { kind: 'unreachable', iamAction, sentence: `The ElastiCache API could not be reached for ${iamAction} (${code || name}).` };
  }
  return { kind: 'other', iamAction, sentence: `${iamAction} failed: ${shorten(`${name ? `${name}: ` : ''}${message}`)}` };
}

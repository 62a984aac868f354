import type { Signature } from './types.js';

/** Redis AUTH replies. Reply words beat the exception that wraps them. */
export const AUTH: Signature[] = [
  {
    id: 'resp-noauth',
    cause: 'auth-missing', family: 'auth',
    keywords: ['noauth'],
    pattern: /\bNOAUTH\b[^\n]{0,160}/,
    weight: 3, redisContext: true,
    example: 'redis.exceptions.AuthenticationError: NOAUTH Authentication required.',
    explain: 'The server requires a password (AUTH token or RBAC user) and the client sent none.',
  },
  {
    id: 'auth-required-words',
    cause: 'auth-missing', family: 'auth',
    keywords: ['authentication required'],
    pattern: /Authentication required/i,
    weight: 2,
    example: 'redis.exceptions.AuthenticationError: Authentication required.',
    explain: 'The server requires a password and the client sent none.',
  },
  {
    id: 'resp-wrongpass',
    cause: 'auth-rejected', family: 'auth',
    keywords: ['wrongpass'],
    pattern: /\bWRONGPASS\b[^\n]{0,160}/,
    weight: 3, redisContext: true,
    example: 'redis.exceptions.AuthenticationError: WRONGPASS invalid username-password pair or user is disabled.',
    explain: 'The server rejected the user name or password (or the RBAC user is disabled).',
  },
  {
    id: 'invalid-password',
    cause: 'auth-rejected', family: 'auth',
    keywords: ['invalid password', 'invalid username-password pair'],
    pattern: /invalid password|invalid username-password pair/i,
    weight: 3, redisContext: true,
    example: 'ERR invalid password',
    explain: 'The server rejected the password.',
  },
  {
    id: 'dotnet-authentication-failure',
    cause: 'auth-rejected', family: 'auth', client: 'stackexchange-redis', language: 'dotnet',
    keywords: ['authenticationfailure', 'there was an authentication failure'],
    pattern: /AuthenticationFailure|There was an authentication failure/,
    // Weak: StackExchange.Redis also says this when a TLS problem breaks the AUTH step ("or client certificates").
    weight: 1,
    example: 'It was not possible to connect to the redis server(s). There was an authentication failure; check that passwords (or client certificates) are configured correctly. AuthenticationFailure (None, last-recv: 252) on newsweasel.com:6379/Interactive, Flushed/ComputeResult, last: ECHO, origin: SetResult, outstanding: 0',
    fixture: 'cited: StackExchange/StackExchange.Redis tests (ConnectionFailedErrors / kBadConnectionString_AuthFailure)',
    explain: 'StackExchange.Redis reports that the AUTH step failed; the inner exception says whether the password was wrong or TLS broke the connection.',
  },
  {
    id: 'auth-without-password-configured',
    cause: 'auth-not-enabled', family: 'auth',
    keywords: ['called without any password configured', 'client sent auth, but no password is set'],
    pattern: /called without any password configured|Client sent AUTH, but no password is set/i,
    weight: 3, redisContext: true, supersedes: ['dotnet-authentication-failure'],
    example: 'redis.exceptions.AuthenticationError: AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
    explain: 'The client sent a password, but the server has none (no AUTH token on the group).',
  },
];

import type { CauseId } from '../causes.js';

export type Family = 'tls-mismatch' | 'tls-trust' | 'tls-handshake' | 'auth' | 'network' | 'cluster' | 'undecidable';

/** One recognisable error text. The catalog is data: add a signature, not a branch in the matcher. */
export interface Signature {
  id: string;
  cause: CauseId;
  family: Family;
  /** Client library or runtime that prints it (`redis-py`, `ioredis`, `openssl`, `java`, ...). */
  client?: string;
  language?: string;
  /**
   * Lower-case literals: the regex runs only on lines containing one of them (case-insensitive).
   * A keyword shorter than 12 characters is searched in UPPER case only (Redis replies, errno codes).
   */
  keywords: string[];
  /** Runs on one line (at most a bounded window of it). Linear: no nested quantifiers. */
  pattern: RegExp;
  /** 3 = specific to this cause; 2 = typical; 1 = fits several causes. */
  weight: 1 | 2 | 3;
  /** A line this signature matches, copied from a real fixture (see `fixture`). */
  example: string;
  /**
   * Evidence that a real library prints it: a committed fixture file (relative to test/fixtures/) in which the
   * pattern matches, or `cited: …` naming the library source or public thread where the text comes from.
   */
  fixture: string;
  /** Short explanation for people. */
  explain: string;
  /** The line itself is Redis (reply words, Redis server log): counts as Redis context. */
  redisContext?: boolean;
  /** The client that printed this speaks TLS (OpenSSL record errors, certificate checks...). */
  impliesTlsClient?: boolean;
  /** The peer answered with a TLS alert: the server speaks TLS, so never tls-to-plaintext. */
  impliesTlsServer?: boolean;
  /** Signature ids this one overrides when both match the same line (more specific reading). */
  supersedes?: string[];
}

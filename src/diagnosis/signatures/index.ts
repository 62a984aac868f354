import { AUTH } from './auth.js';
import { CLUSTER, UNDECIDABLE } from './cluster.js';
import { NETWORK } from './network.js';
import { TLS_MISMATCH } from './tls-mismatch.js';
import { TLS_HANDSHAKE, TLS_TRUST } from './tls-trust.js';
import type { Signature } from './types.js';

/** The whole catalog, grouped by cause family. Order does not matter: the matcher weighs findings. */
export const SIGNATURES: readonly Signature[] = [...TLS_MISMATCH, ...TLS_TRUST, ...TLS_HANDSHAKE, ...AUTH, ...NETWORK, ...CLUSTER, ...UNDECIDABLE];

export const SIGNATURE_FAMILIES = { TLS_MISMATCH, TLS_TRUST, TLS_HANDSHAKE, AUTH, NETWORK, CLUSTER, UNDECIDABLE };

export type { Signature, Family } from './types.js';

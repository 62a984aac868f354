export interface TerraformChange {
  /** Path relative to the Terraform directory (the repository root for `git apply`). */
  file: string;
  /** Unified diff with a/ and b/ paths; applies with `git apply`. */
  diff: string;
  /** Which step of the plan this diff belongs to (1-based). */
  step?: number;
  description?: string;
  /** Every file the diff touches (a step may change a module call and a .tfvars file together). */
  files?: string[];
  /** Applying this diff replaces the replication group: it is deleted and recreated empty. */
  replaces?: boolean;
  /** Warnings that concern this diff; render them above it. */
  warnings?: string[];
  /** An alternative to the main path: taken against the files as they are now, not after the earlier steps. */
  alternative?: boolean;
}

export interface ClientChange {
  client: string;
  language?: string;
  description: string;
  snippet: string;
}

/** The facts the plan was chosen on, and where each came from. */
export interface FixFacts {
  engine?: string;
  engineVersion?: string;
  engineVersionSource?: 'live' | 'terraform';
  /** Is the running engine at least 7.0.5 (where the provider changes transit encryption in place)? */
  engineInPlace?: 'below' | 'at-least' | 'unknown';
  providerVersion?: string;
  providerVersionSource?: 'lock' | 'constraint';
  providerInPlace?: 'below' | 'at-least' | 'unknown';
  /** The Terraform address the diffs change, and its file. */
  resource?: { address: string; file: string };
  /** TLS host names clients should dial. */
  tlsEndpoints?: { primary?: string; reader?: string; configuration?: string; port: number; source: string };
}

export interface Fix {
  steps: string[];
  /** Ordered: a warning comes before the warnings and diffs of later steps. Render them before the diffs. */
  warnings: string[];
  /** The first (or only) diff, as in the JSON contract. */
  terraform?: TerraformChange;
  /** All diffs in plan order, when there are several (engine upgrade, then enable, then required). */
  terraformChanges?: TerraformChange[];
  /** A sketch synthesised from live facts when no Terraform tree was available. Clearly labelled. */
  terraformSketch?: string;
  awsCli?: string[];
  cloudFormation?: string;
  client?: ClientChange;
  /** Other client snippets: the common clients when the paste names none, or the insecure quick alternative. */
  clientAlternatives?: ClientChange[];
  /** Notes about locating the resource: several candidates, nothing found, etc. */
  notes?: string[];
  facts?: FixFacts;
}

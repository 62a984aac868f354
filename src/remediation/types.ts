export interface TerraformChange {
  /** Path relative to the Terraform directory (the repository root for `git apply`). */
  file: string;
  /** Unified diff with a/ and b/ paths; applies with `git apply`. */
  diff: string;
  /** Which step of the plan this diff belongs to (1-based). */
  step?: number;
  description?: string;
}

export interface ClientChange {
  client: string;
  language?: string;
  description: string;
  snippet: string;
}

export interface Fix {
  steps: string[];
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
  /** Notes about locating the resource: several candidates, nothing found, etc. */
  notes?: string[];
}

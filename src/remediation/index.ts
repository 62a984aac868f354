// STUB: owned by the safe-fix work (issue 4).
import type { Context, Diagnosis, Finding } from '../diagnosis/types.js';
import type { LiveFacts } from '../live/types.js';
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

export async function planFix(input: FixInput, options: FixOptions): Promise<Fix> {
  void input; void options;
  return { steps: [], warnings: [] };
}

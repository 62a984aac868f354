// Shared by the remediation tests: build inputs, copy a fixture tree, apply diffs with the real `git apply`,
// and parse the result with the real HCL parser.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from '@cdktn/hcl2json';
import type { CauseId } from '../../src/diagnosis/causes.js';
import type { Context } from '../../src/diagnosis/types.js';
import type { GroupFacts, LiveFacts } from '../../src/live/types.js';
import type { FixInput } from '../../src/remediation/index.js';
import type { TerraformChange } from '../../src/remediation/types.js';

const execFileP = promisify(execFile);

export const FIXTURES = fileURLToPath(new URL('../fixtures/terraform', import.meta.url));
export const fixture = (name: string): string => path.join(FIXTURES, name);

export function input(cause: CauseId, context: Partial<Context> = {}, live?: LiveFacts): FixInput {
  return {
    diagnosis: { cause, confidence: 'high', summary: '', reasons: [], alternatives: [], nextChecks: [] },
    findings: [],
    context: { redisContext: ['test'], ...context },
    ...(live ? { live } : {}),
  };
}

export function group(overrides: Partial<GroupFacts> = {}): GroupFacts {
  return {
    kind: 'replication-group',
    replicationGroupId: 'prd-redis',
    region: 'ap-northeast-1',
    transitEncryptionEnabled: false,
    transitEncryptionMode: null,
    atRestEncryptionEnabled: true,
    authTokenEnabled: false,
    userGroupIds: [],
    clusterEnabled: false,
    engine: 'redis',
    engineVersion: '6.2.6',
    endpoints: [
      { role: 'primary', host: 'prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com', port: 6379 },
      { role: 'reader', host: 'prd-redis-ro.abc123.ng.0001.apne1.cache.amazonaws.com', port: 6379 },
    ],
    memberClusters: ['prd-redis-001', 'prd-redis-002'],
    nodeType: 'cache.r6g.large',
    ...overrides,
  };
}

export interface Checkout {
  dir: string;
  read(rel: string): Promise<string>;
  hcl(rel: string): Promise<Record<string, any>>;
  /** `git apply --check`, then `git apply`; throws with git's message when the diff does not apply. */
  apply(change: TerraformChange): Promise<void>;
  dispose(): Promise<void>;
}

/** A copy of a fixture tree in a fresh git repository, the way a team's infrastructure checkout looks. */
export async function checkout(name: string): Promise<Checkout> {
  const dir = await mkdtemp(path.join(tmpdir(), `rd-tf-${name}-`));
  await cp(fixture(name), dir, { recursive: true });
  await execFileP('git', ['init', '-q'], { cwd: dir });
  const patchDir = await mkdtemp(path.join(tmpdir(), 'rd-patch-'));
  let n = 0;
  return {
    dir,
    read: (rel) => readFile(path.join(dir, rel), 'utf8'),
    hcl: async (rel) => parse(path.basename(rel), await readFile(path.join(dir, rel), 'utf8')) as Promise<Record<string, any>>,
    apply: async (change) => {
      const file = path.join(patchDir, `${++n}.patch`);
      await writeFile(file, change.diff);
      await execFileP('git', ['apply', '--check', file], { cwd: dir });
      await execFileP('git', ['apply', file], { cwd: dir });
    },
    dispose: async () => {
      await rm(dir, { recursive: true, force: true });
      await rm(patchDir, { recursive: true, force: true });
    },
  };
}

/** The body of `resource "<type>" "<name>"` in hcl2json's output. */
export function resourceBody(json: Record<string, any>, type: string, name: string): Record<string, any> {
  return json.resource?.[type]?.[name]?.[0] ?? {};
}

export function mainPath(changes: TerraformChange[] | undefined): TerraformChange[] {
  return (changes ?? []).filter((c) => !c.alternative);
}

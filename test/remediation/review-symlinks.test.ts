// TERRAFORM_DIR is a checked-out repository: anyone who can commit to it can commit a symlink. A symlink must not
// make the bot read (and show in a diff) a file outside that directory.
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTree } from '../../src/remediation/terraform/tree.js';
import { fixture } from './support.js';

let base: string;
let outside: string;
let infra: string;

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'rd-review-symlink-'));
  outside = path.join(base, 'outside');
  infra = path.join(base, 'infra');
  await mkdir(outside);
  await mkdir(infra);
  const seed = await readFile(path.join(fixture('seed'), 'main.tf'), 'utf8');
  await writeFile(path.join(outside, 'main.tf'), `${seed}\n# OUTSIDE-THE-TERRAFORM-DIR\n`);
  await writeFile(path.join(outside, 'prd.tfvars'), 'auth_token = "OUTSIDE-SECRET"\n');
  // A file symlink, a directory symlink used as a module, and a tfvars symlink.
  await symlink(path.join(outside, 'main.tf'), path.join(infra, 'main.tf'));
  await symlink(outside, path.join(infra, 'mods'));
  await writeFile(path.join(infra, 'cache.tf'), 'module "cache" {\n  source = "./mods"\n}\n');
  await symlink(path.join(outside, 'prd.tfvars'), path.join(infra, 'prd.tfvars'));
  // A symlink that stays inside the directory is fine.
  await mkdir(path.join(infra, 'real'));
  await writeFile(path.join(infra, 'real', 'inner.tf'), 'variable "x" {}\n');
  await symlink(path.join(infra, 'real', 'inner.tf'), path.join(infra, 'inner-link.tf'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('loadTree and symlinks', () => {
  it('reads nothing that resolves outside TERRAFORM_DIR, and says so', async () => {
    const tree = await loadTree(infra);
    const texts = [...tree.modules.values()].flatMap((m) => m.files.map((f) => f.text)).concat(tree.tfvars.map((f) => f.text));
    expect(texts.join('\n')).not.toContain('OUTSIDE-THE-TERRAFORM-DIR');
    expect(texts.join('\n')).not.toContain('OUTSIDE-SECRET');
    expect(tree.notes.join('\n')).toMatch(/main\.tf .*outside the Terraform directory/);
  });

  it('still reads a symlink that stays inside TERRAFORM_DIR', async () => {
    const tree = await loadTree(infra);
    expect(tree.modules.get('')!.files.map((f) => f.rel)).toContain('inner-link.tf');
  });
});

import { describe, expect, it } from 'vitest';
import { locate } from '../../src/remediation/terraform/locate.js';
import { loadTree, treeFromHcl } from '../../src/remediation/terraform/tree.js';
import {
  PROVIDER_IN_PLACE_TLS, constraintAllowsAtLeast, constraintRequiresAtLeast, engineVerdict, providerFromLock,
} from '../../src/remediation/terraform/versions.js';
import { providerFacts } from '../../src/remediation/facts.js';
import { fixture } from './support.js';

describe('engine threshold 7.0.5 (engine_version_actual)', () => {
  it.each([
    ['redis', '6.2.6', 'below'], ['redis', '6.x', 'below'], ['redis', '7.0.4', 'below'], ['redis', '7.0.5', 'at-least'],
    ['redis', '7.0.7', 'at-least'], ['redis', '7.1', 'at-least'], ['redis', '7.0', 'unknown'], ['redis', '7', 'unknown'],
    ['redis', undefined, 'unknown'], ['valkey', '7.2', 'at-least'], ['valkey', undefined, 'at-least'],
  ] as const)('%s %s -> %s', (engine, version, verdict) => {
    expect(engineVerdict(engine, version)).toBe(verdict);
  });
});

describe('provider threshold 5.47.0', () => {
  it.each([
    ['~> 5.31.0', false, false], ['~> 5.0', true, false], ['~> 5.47', true, true], ['>= 5.47.0', true, true],
    ['~> 4.0', false, false], ['5.31.0', false, false], ['>= 4.0, < 5.0', false, false], ['>= 5.50', true, true],
  ] as const)('%s allows %s, requires %s', (c, allows, requires) => {
    expect(constraintAllowsAtLeast(c, PROVIDER_IN_PLACE_TLS)).toBe(allows);
    expect(constraintRequiresAtLeast(c, PROVIDER_IN_PLACE_TLS)).toBe(requires);
  });

  it('reads the locked version from .terraform.lock.hcl', async () => {
    expect(providerFromLock('provider "registry.terraform.io/hashicorp/random" {\n  version = "3.0.0"\n}\nprovider "registry.terraform.io/hashicorp/aws" {\n  version     = "5.31.0"\n  constraints = "~> 5.0"\n}\n')).toBe('5.31.0');
    const facts = providerFacts(await loadTree(fixture('seed')));
    expect(facts).toMatchObject({ version: '5.31.0', source: 'lock', verdict: 'below', constraintBlocks: true, constraint: { file: 'versions.tf', value: '~> 5.31.0' } });
  });

  it('uses the required_providers constraint when there is no lock file', async () => {
    expect(providerFacts(await loadTree(fixture('templated')))).toMatchObject({ source: 'constraint', verdict: 'at-least' });
  });
});

describe('locate', () => {
  it('follows a local module and passes its inputs into the module variables', async () => {
    const loc = locate(await loadTree(fixture('module-layout')), 'PRD-REDIS');
    expect(loc.chosen?.address).toBe('module.cache.aws_elasticache_replication_group.this');
    expect(loc.chosen?.match).toBe('exact');
    expect(loc.chosen?.via.join(' ')).toMatch(/var\.environment = "prd" \(terraform\.tfvars\)/);
  });

  it('resolves a local built from variables, one environment per .tfvars file', async () => {
    const tree = await loadTree(fixture('templated'));
    expect(locate(tree, 'shop-prd-cache').chosen).toMatchObject({ match: 'exact', varFile: 'envs/prd.tfvars' });
    expect(locate(tree, 'shop-stg-cache').chosen).toMatchObject({ match: 'exact', varFile: 'envs/stg.tfvars' });
  });

  it('matches an unresolvable template only as a pattern, and says so', async () => {
    const tree = await treeFromHcl('resource "aws_elasticache_replication_group" "r" {\n  replication_group_id = "${var.env}-redis"\n}\n');
    const loc = locate(tree, 'prd-redis');
    expect(loc.chosen?.match).toBe('pattern');
    expect(loc.notes.join(' ')).toMatch(/only as a pattern/);
    expect(locate(tree, 'prd-cache').chosen).toBeUndefined();
  });

  it('without a group id, picks the only group and lists several', async () => {
    expect(locate(await loadTree(fixture('seed')), undefined).chosen?.name).toBe('prd_redis');
    const two = locate(await loadTree(fixture('two-candidates')), undefined);
    expect(two.chosen).toBeUndefined();
    expect(two.notes.filter((n) => n.startsWith('candidate:'))).toHaveLength(2);
  });

  it('finds a registry module by its replication_group_id input', async () => {
    const tree = await treeFromHcl('module "redis" {\n  source               = "terraform-aws-modules/elasticache/aws"\n  version              = "~> 1.2"\n  replication_group_id = "prd-redis"\n}\n');
    const loc = locate(tree, 'prd-redis');
    expect(loc.chosen).toMatchObject({ kind: 'module-call', address: 'module.redis', source: 'terraform-aws-modules/elasticache/aws' });
  });

  it('skips files that are not valid HCL and says which', async () => {
    const tree = await treeFromHcl('resource "aws_elasticache_replication_group" "r" {');
    expect(tree.notes.join(' ')).toMatch(/not valid HCL/);
    expect(locate(tree, 'x').chosen).toBeUndefined();
  });
});

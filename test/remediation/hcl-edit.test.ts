import { describe, expect, it } from 'vitest';
import { parse } from '@cdktn/hcl2json';
import { appendBlock, setAttribute } from '../../src/remediation/hcl/edit.js';
import { bodyOf, findBlock, parseBody, HclScanError } from '../../src/remediation/hcl/scan.js';

function body(text: string, type = 'resource', ...labels: string[]) {
  const b = findBlock(parseBody(text, 0, text.length), type, ...labels);
  if (!b) throw new Error('block not found');
  return bodyOf(b);
}

const set = (text: string, name: string, value: string, after?: string[]) =>
  setAttribute(text, body(text, 'resource', 'x', 'y'), { name, value, after });

describe('scanner', () => {
  it('finds blocks past strings, heredocs and comments that contain braces', () => {
    const text = [
      '# a } in a comment',
      '/* { */',
      'resource "x" "a" {',
      '  s = "brace } in ${var.a ? "}" : "{"} string"',
      '  h = <<-EOT',
      '    } not the end',
      '  EOT',
      '  // }',
      '}',
      'resource "x" "b" { k = 1 }',
      '',
    ].join('\n');
    const items = parseBody(text, 0, text.length);
    expect(items.map((i) => (i.kind === 'block' ? `${i.type}:${i.labels.join('.')}` : i.name))).toEqual(['resource:x.a', 'resource:x.b']);
    const inner = parseBody(text, body(text, 'resource', 'x', 'a').start, body(text, 'resource', 'x', 'a').end);
    expect(inner.map((i) => i.kind === 'attribute' && i.name)).toEqual(['s', 'h']);
    const h = inner[1]!;
    expect(h.kind === 'attribute' && h.heredoc && h.multiline).toBe(true);
  });

  it('reports a block that is never closed instead of guessing', () => {
    const text = 'resource "x" "a" {\n  a = 1\n';
    expect(() => parseBody(text, 0, text.length)).toThrow(HclScanError);
  });
});

describe('setAttribute', () => {
  it('edits an existing attribute in place, keeping its trailing comment', () => {
    const text = 'resource "x" "y" {\n  enabled = false # keep me\n}\n';
    expect(set(text, 'enabled', 'true')).toBe('resource "x" "y" {\n  enabled = true # keep me\n}\n');
  });

  it('aligns a new attribute like terraform fmt, widening the run when the name is longer', () => {
    const text = 'resource "x" "y" {\n  name = "a"\n  port = 6379\n\n  tags = {}\n}\n';
    expect(set(text, 'transit_encryption_mode', '"preferred"')).toBe(
      'resource "x" "y" {\n  name                    = "a"\n  port                    = 6379\n  transit_encryption_mode = "preferred"\n\n  tags = {}\n}\n');
  });

  it('does not realign when the new name is shorter than the run', () => {
    const text = 'resource "x" "y" {\n  replication_group_id = "a"\n  port                 = 6379\n}\n';
    expect(set(text, 'mode', '1', ['port'])).toBe('resource "x" "y" {\n  replication_group_id = "a"\n  port                 = 6379\n  mode                 = 1\n}\n');
  });

  it('leaves a hand-formatted run alone and only lines up the new line with its neighbour', () => {
    const text = 'resource "x" "y" {\n  a = 1\n  longer_name   = 2\n}\n';
    expect(set(text, 'b', '3', ['longer_name'])).toBe(`resource "x" "y" {\n  a = 1\n  longer_name   = 2\n  b${' '.repeat(13)}= 3\n}\n`);
  });

  it('inserts after the anchor attribute when it exists', () => {
    const text = 'resource "x" "y" {\n  a = 1\n  b = 2\n}\n';
    expect(set(text, 'c', '3', ['a'])).toBe('resource "x" "y" {\n  a = 1\n  c = 3\n  b = 2\n}\n');
  });

  it('writes into an empty block with the block indentation plus two spaces', () => {
    const text = 'module "m" {\n  x {\n  }\n}\n';
    const out = setAttribute(text, body(text, 'module', 'm'), { name: 'a', value: 'true' });
    expect(out).toBe('module "m" {\n  a = true\n  x {\n  }\n}\n');
  });

  it('handles a .tfvars file without a final newline (and keeps it without one)', () => {
    const text = 'environment = "prd"';
    const out = setAttribute(text, { start: 0, end: text.length }, { name: 'tls', value: 'true' });
    expect(out).toBe('environment = "prd"\ntls         = true');
  });

  it('opens up a one-line block before adding a second attribute', async () => {
    const text = 'module "m" { source = "./m" }\n';
    const out = setAttribute(text, body(text, 'module', 'm'), { name: 'transit_encryption_enabled', value: 'true' });
    expect(out).toBe('module "m" {\n  source                     = "./m"\n  transit_encryption_enabled = true\n}\n');
    expect(((await parse('m.tf', out)) as Record<string, any>).module.m[0]).toMatchObject({ source: './m', transit_encryption_enabled: true });
  });

  it('keeps the result parseable', async () => {
    const text = 'resource "x" "y" {\n  description = <<EOT\nhello }\nEOT\n  a = 1\n}\n';
    const out = set(text, 'b', '"v"', ['description']);
    const json = await parse('t.tf', out) as Record<string, any>;
    expect(json.resource.x.y[0]).toMatchObject({ description: 'hello }\n', a: 1, b: 'v' });
  });
});

describe('appendBlock', () => {
  it('separates the new block by one blank line', () => {
    expect(appendBlock('a = 1\n', 'variable "v" {}')).toBe('a = 1\n\nvariable "v" {}\n');
    expect(appendBlock('a = 1', 'variable "v" {}')).toBe('a = 1\n\nvariable "v" {}\n');
  });
});

// Reads a Terraform tree: the root module's .tf files, local modules they call, *.tfvars and the lock file.
// Reading files is the only I/O of the remediation stage (ARCHITECTURE.md).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseHcl, asRecord, type HclJson } from '../hcl/parse.js';

export interface TfFile {
  /** Path relative to the Terraform directory, with forward slashes. */
  rel: string;
  text: string;
  json?: HclJson;
  /** The HCL parser's message when the file is not valid HCL (the file is then never patched). */
  error?: string;
}

export interface TfModuleDir {
  /** Directory relative to the root, '' for the root module. */
  dir: string;
  files: TfFile[];
}

export interface TfTree {
  /** Absolute path of the Terraform directory; undefined for pasted HCL. */
  root?: string;
  pasted: boolean;
  modules: Map<string, TfModuleDir>;
  /** Root-module variable files: terraform.tfvars, *.auto.tfvars and environment files such as envs/prd.tfvars. */
  tfvars: TfFile[];
  lock?: TfFile;
  notes: string[];
}

const MAX_FILES = 400;
const MAX_FILE_BYTES = 1_000_000;
const SKIP_DIRS = new Set(['.terraform', '.git', 'node_modules', '.terragrunt-cache']);

function toRel(p: string): string {
  return p.split(path.sep).join('/');
}

async function readTextFile(abs: string): Promise<string | undefined> {
  try {
    const st = await fs.stat(abs);
    if (!st.isFile() || st.size > MAX_FILE_BYTES) return undefined;
    return await fs.readFile(abs, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The file's real path when it lies inside the (real) Terraform directory. A checked-out repository may hold
 * symlinks: one pointing outside must not make the bot read, and show in a diff, a file from elsewhere.
 */
async function realPathInside(realRoot: string, abs: string): Promise<{ real?: string; outside: boolean }> {
  let real: string;
  try {
    real = await fs.realpath(abs);
  } catch {
    return { outside: false };
  }
  return real === realRoot || real.startsWith(realRoot + path.sep) ? { real, outside: false } : { outside: true };
}

async function loadFile(realRoot: string, rel: string, notes: string[]): Promise<TfFile | undefined> {
  const { real, outside } = await realPathInside(realRoot, path.join(realRoot, rel));
  if (outside) notes.push(`${rel} resolves outside the Terraform directory (a symlink); it was not read.`);
  if (!real) return undefined;
  const text = await readTextFile(real);
  if (text === undefined) return undefined;
  const parsed = await parseHcl(path.basename(rel), text);
  return { rel, text, json: parsed.json, error: parsed.error };
}

async function listDir(abs: string): Promise<{ name: string; dir: boolean }[]> {
  try {
    const entries = await fs.readdir(abs, { withFileTypes: true });
    return entries.map((e) => ({ name: e.name, dir: e.isDirectory() })).sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return [];
  }
}

/** Local module sources ("./x", "../x"), relative to the calling module's directory. */
export function localModuleSources(files: TfFile[]): { file: TfFile; label: string; source: string }[] {
  const out: { file: TfFile; label: string; source: string }[] = [];
  for (const f of files) {
    const modules = asRecord(f.json?.module);
    for (const [label, bodies] of Object.entries(modules)) {
      for (const body of Array.isArray(bodies) ? bodies : [bodies]) {
        const source = asRecord(body).source;
        if (typeof source === 'string') out.push({ file: f, label, source });
      }
    }
  }
  return out;
}

export function isLocalSource(source: string): boolean {
  return source.startsWith('./') || source.startsWith('../');
}

export async function loadTree(rootDir: string): Promise<TfTree> {
  const root = path.resolve(rootDir);
  const tree: TfTree = { root, pasted: false, modules: new Map(), tfvars: [], notes: [] };
  const st = await fs.stat(root).catch(() => undefined);
  if (!st?.isDirectory()) {
    tree.notes.push(`The Terraform directory ${rootDir} does not exist or is not a directory.`);
    return tree;
  }
  const realRoot = await fs.realpath(root);
  let count = 0;

  const loadModuleDir = async (dir: string, depth: number): Promise<void> => {
    if (tree.modules.has(dir) || depth > 6) return;
    const abs = path.join(root, dir);
    const files: TfFile[] = [];
    tree.modules.set(dir, { dir, files });
    for (const e of await listDir(abs)) {
      if (e.dir || !e.name.endsWith('.tf')) continue;
      if (++count > MAX_FILES) { tree.notes.push(`Stopped reading after ${MAX_FILES} files.`); return; }
      const f = await loadFile(realRoot, toRel(path.join(dir, e.name)), tree.notes);
      if (!f) continue;
      if (f.error) tree.notes.push(`${f.rel} is not valid HCL and was left alone: ${f.error}`);
      files.push(f);
    }
    for (const m of localModuleSources(files)) {
      if (!isLocalSource(m.source)) continue;
      const target = path.normalize(path.join(dir, m.source));
      if (target.startsWith('..') || path.isAbsolute(target)) {
        tree.notes.push(`module "${m.label}" (${m.file.rel}) points outside the Terraform directory (${m.source}); it was not read.`);
        continue;
      }
      await loadModuleDir(toRel(target === '.' ? '' : target), depth + 1);
    }
  };
  await loadModuleDir('', 0);

  // Variable files: the root's own, plus environment files one or two levels down (envs/prd.tfvars).
  const walkVars = async (dir: string, depth: number): Promise<void> => {
    for (const e of await listDir(path.join(root, dir))) {
      if (e.dir) {
        if (depth < 2 && !SKIP_DIRS.has(e.name) && !tree.modules.has(toRel(path.join(dir, e.name)))) {
          await walkVars(toRel(path.join(dir, e.name)), depth + 1);
        }
        continue;
      }
      if (!e.name.endsWith('.tfvars')) continue;
      const f = await loadFile(realRoot, toRel(path.join(dir, e.name)), tree.notes);
      if (f && !f.error) tree.tfvars.push(f);
    }
  };
  await walkVars('', 0);

  const lock = await realPathInside(realRoot, path.join(realRoot, '.terraform.lock.hcl'));
  const lockText = lock.real ? await readTextFile(lock.real) : undefined;
  if (lockText !== undefined) tree.lock = { rel: '.terraform.lock.hcl', text: lockText };
  return tree;
}

/** Pasted HCL becomes a one-file root module named main.tf. */
export async function treeFromHcl(hcl: string): Promise<TfTree> {
  const parsed = await parseHcl('main.tf', hcl);
  const file: TfFile = { rel: 'main.tf', text: hcl, json: parsed.json, error: parsed.error };
  const tree: TfTree = { pasted: true, modules: new Map([['', { dir: '', files: [file] }]]), tfvars: [], notes: [] };
  if (parsed.error) tree.notes.push(`The pasted Terraform is not valid HCL: ${parsed.error}`);
  return tree;
}

/** Whether a tfvars file is loaded automatically by Terraform (others are passed with -var-file). */
export function isAutoTfvars(rel: string): boolean {
  return rel === 'terraform.tfvars' || (!rel.includes('/') && rel.endsWith('.auto.tfvars'));
}

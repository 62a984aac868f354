// A small Dockerfile reader and .dockerignore matcher, enough for this repository's Dockerfile:
// used by scripts/build-image-without-docker.ts (to replay the stages without Docker) and by test/ship.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, existsSync, lstatSync } from 'node:fs';
import { join, posix } from 'node:path';

export interface Instruction {
  keyword: string;
  /** Flags such as --from=build, --interval=30s. */
  flags: Record<string, string>;
  /** The arguments after the flags: the exec-form array when `json`, otherwise [raw text]. */
  args: string[];
  json: boolean;
  raw: string;
  line: number;
}

export interface Stage {
  name?: string;
  /** Base image with ARG defaults substituted. */
  from: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  args: Record<string, string>;
  stages: Stage[];
}

/** Joins continuation lines, drops comments, and splits each instruction into keyword, flags and args. */
export function parseDockerfile(text: string): Dockerfile {
  const logical: { text: string; line: number }[] = [];
  let buf = '';
  let start = 0;
  text.split(/\r?\n/).forEach((rawLine, i) => {
    const trimmed = rawLine.trim();
    if (!buf && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (buf && trimmed.startsWith('#')) return; // comment lines inside a continuation are dropped by Docker too
    if (!buf) start = i + 1;
    if (trimmed.endsWith('\\')) { buf += `${trimmed.slice(0, -1).trimEnd()} `; return; }
    buf += trimmed;
    logical.push({ text: buf.trim(), line: start });
    buf = '';
  });
  if (buf.trim()) logical.push({ text: buf.trim(), line: start });

  const out: Dockerfile = { args: {}, stages: [] };
  for (const { text: l, line } of logical) {
    const m = /^(\S+)\s*(.*)$/s.exec(l)!;
    const keyword = m[1]!.toUpperCase();
    let rest = m[2]!;
    const flags: Record<string, string> = {};
    while (keyword !== 'RUN' || /^--(mount|network|security)=/.test(rest)) {
      const f = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest);
      if (!f) break;
      flags[f[1]!] = f[2] ?? 'true';
      rest = rest.slice(f[0].length);
    }
    let args: string[] = [rest];
    let json = false;
    // HEALTHCHECK CMD [...] keeps CMD as the first word.
    const forJson = keyword === 'HEALTHCHECK' ? rest.replace(/^CMD\s+/, '') : rest;
    if (forJson.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(forJson);
        if (Array.isArray(parsed) && parsed.every((a) => typeof a === 'string')) {
          args = keyword === 'HEALTHCHECK' ? ['CMD', ...parsed] : parsed;
          json = true;
        }
      } catch { /* shell form */ }
    }
    const ins: Instruction = { keyword, flags, args, json, raw: l, line };
    if (keyword === 'ARG' && out.stages.length === 0) {
      const [k, v = ''] = rest.split('=', 2);
      out.args[k!.trim()] = v.trim();
      continue;
    }
    if (keyword === 'FROM') {
      const fm = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest.trim());
      const from = (fm?.[1] ?? rest).replace(/\$\{?(\w+)\}?/g, (_, n: string) => out.args[n] ?? '');
      out.stages.push({ from, instructions: [ins], ...(fm?.[2] ? { name: fm[2] } : {}) });
      continue;
    }
    const stage = out.stages.at(-1);
    if (!stage) throw new Error(`Dockerfile line ${line}: ${keyword} before FROM`);
    stage.instructions.push(ins);
  }
  return out;
}

/** ENV instructions of a stage, as a map (`ENV A=1 B=2` and the old `ENV A 1` form). */
export function stageEnv(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const ins of stage.instructions.filter((i) => i.keyword === 'ENV')) {
    const text = ins.args[0] ?? '';
    if (!text.includes('=')) {
      const [k, ...v] = text.split(/\s+/);
      env[k!] = v.join(' ');
      continue;
    }
    for (const m of text.matchAll(/(\w+)=("([^"]*)"|'([^']*)'|\S*)/g)) env[m[1]!] = m[3] ?? m[4] ?? m[2]!;
  }
  return env;
}

/** The source paths and destination of a COPY (shell form). */
export function copyParts(ins: Instruction): { sources: string[]; dest: string } {
  const parts = ins.json ? ins.args : (ins.args[0] ?? '').split(/\s+/).filter(Boolean);
  return { sources: parts.slice(0, -1), dest: parts.at(-1) ?? '' };
}

// ---------- .dockerignore ----------

interface Rule { re: RegExp; negate: boolean }

function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*';
        i++;
        if (pattern[i + 1] === '/') i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A pattern that names a directory excludes everything below it.
  return new RegExp(`^${re}(/.*)?$`);
}

/** Docker's rules: patterns are relative to the context root, the last matching line wins, `!` re-includes. */
export function dockerignoreMatcher(text: string): (relPath: string) => boolean {
  const rules: Rule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1).trim();
    line = posix.normalize(line).replace(/^\/+/, '').replace(/\/+$/, '');
    if (line === '.' || !line) continue;
    rules.push({ re: globToRegExp(line), negate });
  }
  return (relPath: string) => {
    let excluded = false;
    for (const r of rules) if (r.re.test(relPath)) excluded = !r.negate;
    return excluded;
  };
}

/** Copies the build context (what `docker build .` would send) from src to dest; returns the files copied. */
export function copyBuildContext(src: string, dest: string): string[] {
  const ignoreFile = join(src, '.dockerignore');
  const ignored = dockerignoreMatcher(existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : '');
  const copied: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(src, rel), { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      // An excluded directory is skipped whole (this repository's .dockerignore re-includes nothing below one).
      if (ignored(relPath)) continue;
      const from = join(src, relPath);
      const stat = lstatSync(from);
      if (stat.isDirectory()) walk(relPath);
      else if (stat.isFile()) {
        mkdirSync(join(dest, rel), { recursive: true });
        copyFileSync(from, join(dest, relPath));
        copied.push(relPath);
      }
    }
  };
  mkdirSync(dest, { recursive: true });
  walk('');
  return copied;
}

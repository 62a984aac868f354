// `/redis-diagnose [--private] [--region R] [--group G] [--endpoint E] [text | group id | endpoint | help]`
import type { Hints } from '../diagnosis/analyze.js';
import { redact } from '../diagnosis/redact.js';

export type CommandArgs =
  | { kind: 'help' }
  | { kind: 'usage-error'; message: string }
  | {
      kind: 'diagnose';
      /** The paste (empty when a group id or endpoint alone says what to check). */
      text: string;
      private: boolean;
      hints: Hints;
      /** What the command names when there is no paste. */
      target?: 'group' | 'endpoint';
    };

// ElastiCache replication group ids: 1-40 characters, lower case letters, digits and single hyphens, a letter first.
const GROUP_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
// A host name with at least one dot, an optional port, an optional redis(s):// scheme (no credentials).
const ENDPOINT = /^(?:rediss?:\/\/)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}|\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?\/?$/i;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/** Slack wraps host names and URLs as <http://host|host> or <http://host>: keep what the person typed. */
function unlink(token: string): string {
  return token.replace(/<([^|>]+)(?:\|([^>]+))?>/g, (_m, url: string, label?: string) => (label ?? url).replace(/^mailto:/, ''));
}

/** A value repeated in a usage error: the person may have typed a password in it (rediss://:TOKEN@host). */
function shown(value: string, max: number): string {
  return redact(value).text.slice(0, max);
}

export function isGroupId(s: string): boolean {
  return s.length <= 40 && GROUP_ID.test(s);
}

export function asEndpoint(s: string): string | undefined {
  const m = ENDPOINT.exec(s);
  if (!m) return undefined;
  return m[2] ? `${m[1]!.toLowerCase()}:${m[2]}` : m[1]!.toLowerCase();
}

export function parseCommandText(raw: string): CommandArgs {
  let rest = (raw ?? '').trim();
  let isPrivate = false;
  const hints: Hints = {};
  // Flags only at the start: a paste may itself contain `--tls` or `-p 6379`.
  const next = (): string | undefined => {
    const m = /^(\S+)(?:\s+|$)/.exec(rest);
    if (!m) return undefined;
    rest = rest.slice(m[0].length);
    return m[1];
  };
  for (;;) {
    const m = /^(--?[a-z-]+)(?:=(\S*))?(?:\s|$)/i.exec(rest);
    if (!m) break;
    const flag = m[1]!.toLowerCase();
    if (flag === '--help' || flag === '-h') return { kind: 'help' };
    if (flag === '--private' || flag === '-p') {
      next();
      isPrivate = true;
      continue;
    }
    if (flag !== '--region' && flag !== '--group' && flag !== '--endpoint') break; // an unknown dash-word: part of the paste
    next();
    const rawValue = m[2] !== undefined ? m[2] : next();
    const value = rawValue ? unlink(rawValue) : undefined;
    const example = flag === '--region' ? 'eu-west-1' : flag === '--group' ? 'prd-redis' : 'master.prd-redis.abc123.euw1.cache.amazonaws.com:6379';
    if (!value) return { kind: 'usage-error', message: `\`${flag}\` needs a value, e.g. \`${flag} ${example}\`.` };
    if (flag === '--region') {
      if (!REGION.test(value)) return { kind: 'usage-error', message: `\`${shown(value, 40)}\` is not an AWS region code; use one like \`eu-west-1\` or \`ap-northeast-1\`.` };
      hints.region = value;
    } else if (flag === '--group') {
      if (!isGroupId(value)) return { kind: 'usage-error', message: `\`${shown(value, 60)}\` is not a replication group id (lower-case letters, digits and hyphens, up to 40, starting with a letter).` };
      hints.group = value;
    } else {
      const ep = asEndpoint(value);
      if (!ep) return { kind: 'usage-error', message: `\`${shown(value, 80)}\` is not an endpoint; give a host name with an optional port, like \`${example}\`.` };
      hints.endpoint = ep;
    }
  }

  const text = rest.trim();
  if (!text && !hints.group && !hints.endpoint) return { kind: 'help' };
  if (/^(help|usage|\?)$/i.test(text)) return { kind: 'help' };

  if (text && !/\s/.test(text)) {
    const token = unlink(text);
    const ep = asEndpoint(token);
    if (ep && !hints.endpoint) return { kind: 'diagnose', text: '', private: isPrivate, hints: { ...hints, endpoint: ep }, target: 'endpoint' };
    if (isGroupId(token) && !hints.group) return { kind: 'diagnose', text: '', private: isPrivate, hints: { ...hints, group: token }, target: 'group' };
  }
  const target = !text ? (hints.group ? 'group' : 'endpoint') : undefined;
  return { kind: 'diagnose', text, private: isPrivate, hints, ...(target ? { target } : {}) };
}

// Structure and values come from @cdktn/hcl2json (the maintained fork of @cdktf/hcl2json, a WebAssembly
// build of tmccombs/hcl2json). Its first call loads the WebAssembly module (about a second); later calls are fast.
import { parse } from '@cdktn/hcl2json';

export type HclJson = Record<string, unknown>;

export interface ParsedHcl {
  json?: HclJson;
  /** The parser's own message when the text is not valid HCL. */
  error?: string;
}

export async function parseHcl(filename: string, text: string): Promise<ParsedHcl> {
  try {
    const json = (await parse(filename, text)) as HclJson;
    return { json };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { error: message.replace(/^Error:\s*/, '') };
  }
}

/** hcl2json represents every block as an array of bodies: `resource.<type>.<name>[0]`. */
export function firstBody(v: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(v)) return (v[0] ?? undefined) as Record<string, unknown> | undefined;
  if (v && typeof v === 'object') return v as Record<string, unknown>;
  return undefined;
}

export function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

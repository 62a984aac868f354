// Text files and snippets shared in a message: downloaded with the bot token, with a size cap. The token is only
// ever sent to Slack's own file host (or the configured API host, for tests and Enterprise Grid proxies).

export interface SlackFileRef {
  id?: string;
  name?: string;
  mimetype?: string;
  filetype?: string;
  size?: number;
  url_private?: string;
  url_private_download?: string;
  mode?: string;
}

export interface DownloadOptions {
  botToken: string;
  /** SLACK_API_URL: its host may serve files too (a local fake in tests). */
  apiUrl?: string;
  maxBytes: number;
  timeoutMs: number;
}

export interface Downloaded {
  name: string;
  text?: string;
  /** Why nothing (or only part) was read, in words for the log. */
  note?: string;
  truncated?: boolean;
}

// Slack's filetype ids for text: logs, snippets in any language, configs.
const TEXT_FILETYPES = new Set([
  'text', 'txt', 'log', 'markdown', 'post', 'csv', 'tsv', 'json', 'yaml', 'xml', 'diff', 'shell', 'bash', 'powershell',
  'python', 'javascript', 'typescript', 'java', 'kotlin', 'scala', 'go', 'ruby', 'php', 'perl', 'rust', 'csharp', 'c', 'cpp',
  'elixir', 'erlang', 'clojure', 'groovy', 'swift', 'sql', 'terraform', 'hcl', 'dockerfile', 'ini', 'toml', 'properties',
]);

export function isTextFile(f: SlackFileRef): boolean {
  if (f.mode === 'snippet') return true;
  if (f.mimetype && /^text\//.test(f.mimetype) && f.mimetype !== 'text/html') return true;
  if (f.mimetype && /^application\/(json|x-yaml|yaml|xml|x-sh)/.test(f.mimetype)) return true;
  return !!f.filetype && TEXT_FILETYPES.has(f.filetype.toLowerCase());
}

/** Only Slack's file hosts, or the configured API host, ever see the bot token. */
export function isTrustedFileUrl(url: string, apiUrl?: string): boolean {
  let u: URL;
  try { u = new URL(url); } catch { return false; }
  if (u.protocol === 'https:' && (u.hostname === 'files.slack.com' || u.hostname.endsWith('.slack.com'))) return true;
  if (apiUrl) {
    try { return new URL(apiUrl).origin === u.origin; } catch { return false; }
  }
  return false;
}

export async function downloadTextFile(file: SlackFileRef, opts: DownloadOptions): Promise<Downloaded> {
  const name = file.name ?? file.id ?? 'file';
  if (!isTextFile(file)) return { name, note: `not a text file (${file.mimetype ?? file.filetype ?? 'unknown type'})` };
  const url = file.url_private_download ?? file.url_private;
  if (!url) return { name, note: 'no url_private in the event' };
  if (!isTrustedFileUrl(url, opts.apiUrl)) return { name, note: 'file URL is not on a Slack host: not downloaded' };
  try {
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${opts.botToken}` },
      // A redirect means Slack refused the token (it sends the sign-in page); never follow it with the token.
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    if (res.status !== 200) {
      await res.body?.cancel();
      return { name, note: res.status >= 300 && res.status < 400 ? 'Slack refused the download (missing files:read?)' : `download failed: HTTP ${res.status}` };
    }
    if ((res.headers.get('content-type') ?? '').includes('text/html')) {
      await res.body?.cancel();
      return { name, note: 'Slack answered with an HTML page, not the file' };
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    let truncated = false;
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = opts.maxBytes - total;
      if (value.length > room) {
        chunks.push(value.subarray(0, room));
        total += room;
        truncated = true;
        await reader.cancel();
        break;
      }
      chunks.push(value);
      total += value.length;
    }
    const text = Buffer.concat(chunks).toString('utf8');
    return { name, text, ...(truncated ? { truncated, note: `only the first ${opts.maxBytes} bytes were read` } : {}) };
  } catch (err) {
    return { name, note: err instanceof Error && err.name === 'TimeoutError' ? 'download timed out' : 'download failed' };
  }
}

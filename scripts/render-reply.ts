// Makes docs/reply.png: the real Block Kit JSON the bot posts for the seed case, drawn as a Slack-like page
// and photographed with headless Chromium. Nothing here is hand-drawn: the blocks come from the engine
// (examples/seed-python-lambda.log, live facts from a local ElastiCache stand-in serving prd-redis with TLS off
// and engine 6.2.6, the Terraform fixture test/fixtures/terraform/seed) and src/render/blocks.ts.
//
//   npx tsx scripts/render-reply.ts [--out docs/reply.png] [--json docs/reply.blocks.json] [--max-height PX]
// Needs Debian's chromium (apt-get install -y chromium). Not part of the test suite.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { diagnose } from '../src/engine.js';
import { createLiveDeps } from '../src/live/index.js';
import { allowAll } from '../src/policy/types.js';
import { renderReply } from '../src/render/blocks.js';
import { startFakeElastiCache } from '../test/helpers/fake-elasticache.js';

const root = resolve(import.meta.dirname, '..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const outPng = resolve(root, arg('--out', 'docs/reply.png'));
const outJson = process.argv.includes('--json') ? resolve(root, arg('--json', 'docs/reply.blocks.json')) : undefined;
const WIDTH = 860;

// ---------- the real reply ----------

async function seedBlocks(): Promise<{ text: string; blocks: unknown[] }> {
  const aws = await startFakeElastiCache({ groups: [{ id: 'prd-redis', region: 'ap-northeast-1', hash: 'abc123', transit: 'off', engine: 'redis', engineVersion: '6.2.6' }] });
  try {
    const live = createLiveDeps({
      region: 'ap-northeast-1',
      aws: { endpoint: aws.url, credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'example' } },
    });
    const report = await diagnose({
      text: readFileSync(join(root, 'examples/seed-python-lambda.log'), 'utf8'),
      live: true,
      probe: false,
      terraformDir: join(root, 'test/fixtures/terraform/seed'),
    }, { live, authorizer: allowAll });
    const rendered = renderReply(report, { ref: 'example' });
    return { text: rendered.text, blocks: rendered.blocks };
  } finally {
    await aws.close();
  }
}

// ---------- a small Slack-like renderer for Block Kit ----------

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The emoji the replies use, as Slack shows them. Unknown names stay as :name:. */
const EMOJI: Record<string, string> = {
  white_check_mark: '✅', warning: '⚠️', x: '❌', mag: '🔍', bulb: '💡', wrench: '🔧', lock: '🔒', unlock: '🔓',
  red_circle: '🔴', large_orange_circle: '🟠', large_yellow_circle: '🟡', large_green_circle: '🟢', white_circle: '⚪',
  thread: '🧵', rotating_light: '🚨', information_source: 'ℹ️', point_right: '👉', arrows_counterclockwise: '🔄',
  heavy_check_mark: '✔️', no_entry: '⛔', question: '❓', memo: '📝', clipboard: '📋', link: '🔗', shield: '🛡️',
  hourglass: '⌛', satellite_antenna: '📡', electric_plug: '🔌', key: '🔑', floppy_disk: '💾', package: '📦',
};

/** Slack escapes &, < and > in mrkdwn text; undo that before escaping for HTML. */
const unslack = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Slack mrkdwn -> HTML: code blocks first (their content is literal), then quotes, inline code, links, styles, emoji. */
function mrkdwn(text: string): string {
  const parts = text.split(/```/);
  return parts.map((part, i) => {
    if (i % 2 === 1) {
      const body = unslack(part.replace(/^\n/, ''));
      const isDiff = /^(---|\+\+\+|@@)/m.test(body);
      const lines = body.split('\n').map((raw) => {
        const l = esc(raw);
        if (!isDiff) return l;
        if (/^\+(?!\+\+)/.test(raw)) return `<span class="add">${l}</span>`;
        if (/^-(?!--)/.test(raw)) return `<span class="del">${l}</span>`;
        if (/^@@/.test(raw)) return `<span class="hunk">${l}</span>`;
        return l;
      });
      return `<pre>${lines.join('\n')}</pre>`;
    }
    return part.split('\n').map((line) => {
      // A raw > at the start of a line is Slack's block quote (a literal one arrives escaped as &gt;).
      if (line.startsWith('>')) return `<span class="quote">${inline(line.slice(1).replace(/^ /, ''))}</span>`;
      return inline(line);
    }).join('<br>');
  }).join('');
}

function inline(text: string): string {
  const held: string[] = [];
  const hold = (html: string) => { held.push(html); return `\u0000${held.length - 1}\u0000`; };
  let s = text.replace(/`([^`]+)`/g, (_, c: string) => hold(`<code>${esc(unslack(c))}</code>`));
  s = s.replace(/<([^>|\s]+)\|([^>]+)>|<([^>|\s]+)>/g, (_, url?: string, label?: string, bare?: string) => hold(`<a>${esc(unslack(label ?? bare ?? url ?? ''))}</a>`));
  s = esc(unslack(s));
  s = s.replace(/(^|[\s(])\*([^*]+)\*(?=[\s).,:;!?]|$)/g, '$1<b>$2</b>');
  s = s.replace(/(^|[\s(])_([^_]+)_(?=[\s).,:;!?]|$)/g, '$1<i>$2</i>');
  s = s.replace(/(^|[\s(])~([^~]+)~(?=[\s).,:;!?]|$)/g, '$1<s>$2</s>');
  s = s.replace(/:([a-z0-9_+-]+):/g, (m, name: string) => EMOJI[name] ?? m);
  return s.replace(/\u0000(\d+)\u0000/g, (_, i: string) => held[Number(i)]!);
}

type AnyBlock = { type: string; text?: { type: string; text: string }; fields?: { text: string }[]; elements?: { type: string; text?: string | { text: string }; style?: string }[] };

function block(b: AnyBlock): string {
  switch (b.type) {
    case 'header':
      return `<div class="header">${esc(b.text?.text ?? '')}</div>`;
    case 'section': {
      const fields = b.fields?.length ? `<div class="fields">${b.fields.map((f) => `<div>${mrkdwn(f.text)}</div>`).join('')}</div>` : '';
      return `<div class="section">${b.text ? mrkdwn(b.text.text) : ''}${fields}</div>`;
    }
    case 'context':
      return `<div class="context">${(b.elements ?? []).map((e) => `<span>${mrkdwn(typeof e.text === 'string' ? e.text : e.text?.text ?? '')}</span>`).join('')}</div>`;
    case 'divider':
      return '<hr>';
    case 'actions':
      return `<div class="actions">${(b.elements ?? []).map((e) => `<span class="button ${e.style ?? ''}">${esc(typeof e.text === 'string' ? e.text : e.text?.text ?? '')}</span>`).join('')}</div>`;
    default:
      return `<div class="section"><i>[${esc(b.type)} block]</i></div>`;
  }
}

function page(blocks: unknown[]): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><style>
  body { margin: 0; background: #fff; font: 15px/1.46668 "Noto Sans", "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1d1c1d; width: ${WIDTH}px; }
  .channel { padding: 10px 20px; border-bottom: 1px solid #e8e8e8; font-weight: 900; font-size: 18px; }
  .thread { padding: 8px 20px 0; color: #616061; font-size: 13px; }
  .paste { padding: 8px 20px; display: flex; gap: 8px; }
  .msg { display: flex; padding: 8px 20px 16px; gap: 8px; }
  .avatar { width: 36px; height: 36px; border-radius: 4px; background: #d82c20; color: #fff; font-weight: 900; display: flex; align-items: center; justify-content: center; flex: none; }
  .avatar.user { background: #2e7d32; }
  .body { flex: 1; min-width: 0; }
  .name { font-weight: 900; } .app { background: #e8e8e8; color: #616061; font-size: 10px; font-weight: 700; padding: 1px 3px; border-radius: 2px; margin-left: 4px; vertical-align: 2px; }
  .time { color: #616061; font-size: 12px; margin-left: 6px; }
  .section { margin: 6px 0; white-space: normal; word-wrap: break-word; }
  .fields { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 16px; margin-top: 4px; }
  .context { color: #616061; font-size: 13px; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 4px 12px; }
  .header { font-weight: 900; font-size: 18px; margin: 6px 0; }
  hr { border: 0; border-top: 1px solid #e8e8e8; margin: 10px 0; }
  code { font: 12px Menlo, "DejaVu Sans Mono", monospace; color: #c01343; background: #f6f6f6; border: 1px solid #e8e8e8; border-radius: 3px; padding: 0 3px; }
  pre { font: 12px/1.5 Menlo, "DejaVu Sans Mono", monospace; background: #f8f8f8; border: 1px solid #e2e2e2; border-radius: 4px; padding: 8px; margin: 4px 0; white-space: pre-wrap; word-break: break-all; }
  pre .add { color: #1a7f37; background: #e6ffec; display: inline-block; width: 100%; } pre .del { color: #cf222e; background: #ffebe9; display: inline-block; width: 100%; } pre .hunk { color: #6e7781; }
  .quote { border-left: 4px solid #dddddd; padding-left: 8px; display: inline-block; }
  a { color: #1264a3; }
  .actions { margin: 8px 0 4px; display: flex; gap: 8px; }
  .button { border: 1px solid #bbb; border-radius: 4px; padding: 3px 12px; font-weight: 700; font-size: 13px; }
  .button.primary { background: #007a5a; color: #fff; border-color: #007a5a; } .button.danger { color: #e01e5a; border-color: #e01e5a; }
  .paste pre { color: #1d1c1d; }
</style></head><body>
<div class="channel"># platform-support</div>
<div class="paste"><div class="avatar user">A</div><div class="body"><span class="name">ana</span><span class="time">10:42</span>
<div class="section">our lambda can't reach redis after the cache migration, any idea?</div>
<pre>${esc(readFileSync(join(root, 'examples/seed-python-lambda.log'), 'utf8').split('\n').slice(1, 3).join('\n'))}\n…</pre></div></div>
<div class="thread">🧵 1 reply</div>
<div class="msg"><div class="avatar">R</div><div class="body"><span class="name">redis-diagnose</span><span class="app">APP</span><span class="time">10:42</span>
${(blocks as AnyBlock[]).map(block).join('\n')}
</div></div>
</body></html>`;
}

// ---------- Chromium ----------

function chromium(args: string[]): { stdout: string; status: number | null } {
  const bin = ['chromium', 'chromium-browser'].find((b) => spawnSync('bash', ['-c', `command -v ${b}`]).status === 0);
  if (!bin) {
    process.stderr.write('render-reply: chromium not found; install it with: apt-get install -y chromium\n');
    process.exit(2);
  }
  const profile = mkdtempSync(join(tmpdir(), 'render-reply-profile-'));
  try {
    const r = spawnSync(bin, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--hide-scrollbars', `--user-data-dir=${profile}`, ...args], { encoding: 'utf8', timeout: 60_000 });
    return { stdout: r.stdout, status: r.status };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { blocks } = await seedBlocks();
  if (outJson) writeFileSync(outJson, `${JSON.stringify(blocks, null, 2)}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'render-reply-'));
  try {
    const html = join(dir, 'reply.html');
    // First pass: measure the page height, so the screenshot holds the whole reply and nothing more.
    writeFileSync(html, page(blocks).replace('</body>', '<script>document.title = "H" + document.documentElement.scrollHeight;</script></body>'));
    const dom = chromium([`--window-size=${WIDTH},800`, '--dump-dom', `file://${html}`]);
    const fullHeight = Number(/<title>H(\d+)<\/title>/.exec(dom.stdout)?.[1] ?? 1600) + 8;
    // --max-height cuts the picture (the top of the reply), e.g. for a preview.
    const height = Math.min(fullHeight, Number(arg('--max-height', String(fullHeight))));
    writeFileSync(html, page(blocks));
    const shot = chromium([`--window-size=${WIDTH},${height}`, `--screenshot=${outPng}`, `file://${html}`]);
    if (shot.status !== 0) throw new Error(`chromium exited ${shot.status}`);
    process.stdout.write(`render-reply: wrote ${outPng} (${WIDTH}x${height}) from ${blocks.length} blocks\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`render-reply: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

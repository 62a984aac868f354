// A local stand-in for Slack, on loopback only:
//  - the Web API (the methods the bot calls), recording every call, with configurable one-shot responses
//    (429 + Retry-After, platform errors like not_in_channel / invalid_blocks);
//  - response_url endpoints and file downloads (url_private, bot token required);
//  - the Socket Mode WebSocket (apps.connections.open returns its ws:// URL);
//  - helpers that sign requests exactly as Slack does (v0 HMAC-SHA256 of `v0:{ts}:{body}`) for a Bolt HTTP receiver.
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface RecordedCall {
  method: string;
  /** Form fields (or JSON body); `blocks`, `attachments`, `files` are JSON-decoded when they parse. */
  params: Record<string, any>;
  /** The bearer token the call carried (compare with the expected one; never print it). */
  token?: string;
  headers: IncomingHttpHeaders;
  at: number;
  /** What the fake answered: HTTP status and Slack `error` if any. */
  status: number;
  error?: string;
  /** The body the fake answered with (e.g. the `ts` of a posted message). */
  response?: Record<string, any>;
}

export interface FakeResponse {
  /** Answer 429 with this Retry-After (seconds). */
  retryAfter?: number;
  /** Answer `{ ok: false, error }` (HTTP 200, as Slack does). */
  error?: string;
  /** Answer this body (merged over `{ ok: true }`). */
  body?: Record<string, unknown>;
  /** Hold the answer this long (ms): a slow Slack. */
  delayMs?: number;
}

export interface ResponseUrlPost {
  id: string;
  body: Record<string, any>;
  at: number;
}

export interface FakeFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  size: number;
  url_private: string;
  url_private_download: string;
  mode?: string;
}

export interface FakeSlackOptions {
  botToken?: string;
  appToken?: string;
  botUserId?: string;
  botId?: string;
  teamId?: string;
  /** Scopes announced in auth.test's x-oauth-scopes header. */
  scopes?: string[];
  /** Members per user group, for usergroups.users.list. */
  userGroups?: Record<string, string[]>;
}

export const DEFAULT_BOT_TOKEN = 'xoxb-fake-bot-token-0000';
export const DEFAULT_APP_TOKEN = 'xapp-fake-app-token-0000';
export const DEFAULT_SIGNING_SECRET = 'fake-signing-secret-0123456789abcdef';

const JSON_FIELDS = ['blocks', 'attachments', 'files', 'metadata'];

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseParams(raw: string, contentType: string | undefined): Record<string, any> {
  let params: Record<string, any> = {};
  if (contentType?.includes('application/json')) {
    try { params = JSON.parse(raw) as Record<string, any>; } catch { params = {}; }
  } else {
    for (const [k, v] of new URLSearchParams(raw)) params[k] = v;
  }
  for (const f of JSON_FIELDS) {
    if (typeof params[f] === 'string') {
      try { params[f] = JSON.parse(params[f] as string); } catch { /* keep the raw string: the bot sent something odd */ }
    }
  }
  return params;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** Every text object in a list of blocks, joined: what a person would read. */
export function blocksText(blocks: unknown): string {
  const out: string[] = [];
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(visit);
    else if (n && typeof n === 'object') {
      for (const [k, v] of Object.entries(n)) {
        if (k === 'text' && typeof v === 'string') out.push(v);
        else visit(v);
      }
    }
  };
  visit(blocks);
  return out.join('\n');
}

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly responsePosts: ResponseUrlPost[] = [];
  readonly uploads: { fileId: string; bytes: Buffer }[] = [];
  readonly downloads: { path: string; token?: string; at: number }[] = [];
  /** Thread messages for conversations.replies, keyed `${channel}:${thread ts}`, parent first. */
  readonly threads = new Map<string, Record<string, unknown>[]>();
  readonly opts: Required<Omit<FakeSlackOptions, 'userGroups'>> & { userGroups: Record<string, string[]> };
  private readonly queued = new Map<string, FakeResponse[]>();
  private readonly files = new Map<string, { file: FakeFile; content: Buffer }>();
  private server!: Server;
  private wss?: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  private readonly pendingAcks = new Map<string, (msg: Record<string, unknown>) => void>();
  private tsCounter = 0;
  private listeners: (() => void)[] = [];
  port = 0;

  private constructor(opts: FakeSlackOptions) {
    this.opts = {
      botToken: opts.botToken ?? DEFAULT_BOT_TOKEN,
      appToken: opts.appToken ?? DEFAULT_APP_TOKEN,
      botUserId: opts.botUserId ?? 'UBOT00001',
      botId: opts.botId ?? 'BBOT00001',
      teamId: opts.teamId ?? 'T00000001',
      scopes: opts.scopes ?? [],
      userGroups: opts.userGroups ?? {},
    };
  }

  static async start(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(opts);
    fake.server = createServer((req, res) => {
      fake.handle(req, res).catch((err: unknown) => send(res, 500, { ok: false, error: String(err) }));
    });
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** The Web API base URL to give the bot (SLACK_API_URL). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Queue one-shot answers for a method, used in order before the default answer. */
  queue(method: string, ...responses: FakeResponse[]): void {
    this.queued.set(method, [...(this.queued.get(method) ?? []), ...responses]);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Successful posts (chat.postMessage answered ok). */
  posted(): RecordedCall[] {
    return this.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 200 && !c.error);
  }

  /** A fresh response_url for a slash command or an action. */
  responseUrl(): string {
    return `${this.baseUrl}/response/${randomUUID()}`;
  }

  /** Register a file (snippet) the bot may download with its token; returns the `files[]` entry of a file_share event. */
  addFile(name: string, content: string | Buffer, opts: { mimetype?: string; filetype?: string; mode?: string } = {}): FakeFile {
    const id = `F${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    const file: FakeFile = {
      id,
      name,
      title: name,
      mimetype: opts.mimetype ?? 'text/plain',
      filetype: opts.filetype ?? 'text',
      size: bytes.length,
      url_private: `${this.baseUrl}/files-pri/${this.opts.teamId}-${id}/${encodeURIComponent(name)}`,
      url_private_download: `${this.baseUrl}/files-pri/${this.opts.teamId}-${id}/download/${encodeURIComponent(name)}`,
      ...(opts.mode ? { mode: opts.mode } : {}),
    };
    this.files.set(id, { file, content: bytes });
    return file;
  }

  /** Resolves when `predicate` holds (checked on every recorded call), or rejects after timeoutMs. */
  waitFor(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== check);
        reject(new Error(`fake Slack: timed out after ${timeoutMs} ms waiting for ${what}; calls: ${this.calls.map((c) => c.method).join(', ')}`));
      }, timeoutMs);
      const check = () => {
        if (predicate()) {
          clearTimeout(timer);
          this.listeners = this.listeners.filter((l) => l !== check);
          resolve();
        }
      };
      this.listeners.push(check);
    });
  }

  waitForCalls(method: string, count = 1, timeoutMs = 5_000): Promise<RecordedCall[]> {
    return this.waitFor(() => this.callsTo(method).length >= count, timeoutMs, `${count} × ${method}`).then(() => this.callsTo(method));
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(100000 + this.tsCounter).padStart(6, '0')}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const raw = (await readBody(req)).toString('utf8');
    if (url.pathname.startsWith('/api/')) return this.handleApi(url.pathname.slice(5), raw, req, res);
    if (url.pathname.startsWith('/response/')) {
      let body: Record<string, any> = {};
      try { body = JSON.parse(raw) as Record<string, any>; } catch { body = { raw }; }
      this.responsePosts.push({ id: url.pathname.slice(10), body, at: Date.now() });
      this.notify();
      return send(res, 200, { ok: true });
    }
    if (url.pathname.startsWith('/files-pri/')) return this.handleDownload(url.pathname, req, res);
    if (url.pathname.startsWith('/upload/')) {
      this.uploads.push({ fileId: url.pathname.slice(8), bytes: Buffer.from(raw) });
      this.notify();
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`OK - ${raw.length}`);
      return;
    }
    if (url.pathname === '/signin') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to your workspace</body></html>');
      return;
    }
    send(res, 404, { ok: false, error: 'not_found' });
  }

  private handleDownload(path: string, req: IncomingMessage, res: ServerResponse): void {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    this.downloads.push({ path, token, at: Date.now() });
    this.notify();
    const id = /\/files-pri\/[^-/]+-([^/]+)\//.exec(path)?.[1];
    const entry = id ? this.files.get(id) : undefined;
    // Like Slack: without a valid token a file URL redirects to the sign-in page (HTML), not a 401.
    if (token !== this.opts.botToken) {
      res.writeHead(302, { location: '/signin' });
      res.end();
      return;
    }
    if (!entry) return send(res, 404, { ok: false, error: 'file_not_found' });
    res.writeHead(200, { 'content-type': entry.file.mimetype, 'content-length': String(entry.content.length) });
    res.end(entry.content);
  }

  private async handleApi(method: string, raw: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = parseParams(raw, req.headers['content-type']);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? (typeof params.token === 'string' ? params.token : undefined);
    const call: RecordedCall = { method, params, token, headers: req.headers, at: Date.now(), status: 200 };
    this.calls.push(call);

    const answer = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      call.status = status;
      call.response = body;
      if (body.ok === false) call.error = String(body.error);
      send(res, status, body, headers);
      this.notify();
    };

    const queued = this.queued.get(method)?.shift();
    if (queued?.delayMs) await new Promise((r) => setTimeout(r, queued.delayMs));
    if (queued?.retryAfter !== undefined) {
      return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(queued.retryAfter) });
    }
    if (queued?.error) return answer(200, { ok: false, error: queued.error });

    const expected = method === 'apps.connections.open' ? this.opts.appToken : this.opts.botToken;
    if (!token) return answer(200, { ok: false, error: 'not_authed' });
    if (token !== expected) return answer(200, { ok: false, error: 'invalid_auth' });

    const ok = (body: Record<string, unknown>, headers: Record<string, string> = {}) => answer(200, { ok: true, ...body, ...queued?.body }, headers);
    switch (method) {
      case 'auth.test':
        return ok(
          { url: 'https://fake-workspace.slack.com/', team: 'Fake Workspace', user: 'redis-diagnose', team_id: this.opts.teamId, user_id: this.opts.botUserId, bot_id: this.opts.botId, is_enterprise_install: false },
          { 'x-oauth-scopes': this.opts.scopes.join(',') },
        );
      case 'chat.postMessage': {
        const ts = this.nextTs();
        return ok({ channel: params.channel, ts, message: { type: 'message', user: this.opts.botUserId, bot_id: this.opts.botId, text: params.text, ts, ...(params.thread_ts ? { thread_ts: params.thread_ts } : {}) } });
      }
      case 'chat.update':
        return ok({ channel: params.channel, ts: params.ts, text: params.text });
      case 'chat.postEphemeral':
        return ok({ message_ts: this.nextTs() });
      case 'reactions.add':
      case 'reactions.remove':
        return ok({});
      case 'files.getUploadURLExternal': {
        const fileId = `F${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
        return ok({ upload_url: `${this.baseUrl}/upload/${fileId}`, file_id: fileId });
      }
      case 'files.completeUploadExternal': {
        const files = Array.isArray(params.files) ? (params.files as { id: string; title?: string }[]) : [];
        return ok({ files: files.map((f) => ({ id: f.id, title: f.title ?? '' })) });
      }
      case 'files.info': {
        const entry = this.files.get(String(params.file));
        return entry ? ok({ file: entry.file }) : answer(200, { ok: false, error: 'file_not_found' });
      }
      case 'conversations.replies': {
        const messages = this.threads.get(`${String(params.channel)}:${String(params.ts)}`);
        return messages ? ok({ messages, has_more: false }) : answer(200, { ok: false, error: 'thread_not_found' });
      }
      case 'usergroups.users.list': {
        const users = this.opts.userGroups[String(params.usergroup)];
        return users ? ok({ users }) : answer(200, { ok: false, error: 'no_such_subteam' });
      }
      case 'apps.connections.open':
        if (!this.wss) return answer(200, { ok: false, error: 'socket_mode_not_enabled' });
        return ok({ url: `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/link/?ticket=${randomUUID()}` });
      default:
        return answer(200, { ok: false, error: 'unknown_method' });
    }
  }

  // ---------- Socket Mode ----------

  /** Start the WebSocket server that apps.connections.open points to. */
  async enableSocketMode(): Promise<void> {
    if (this.wss) return;
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    wss.on('connection', (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => {
        this.sockets.delete(ws);
        this.notify();
      });
      ws.on('message', (data) => {
        let msg: Record<string, unknown>;
        try { msg = JSON.parse(String(data)) as Record<string, unknown>; } catch { return; }
        const id = typeof msg.envelope_id === 'string' ? msg.envelope_id : undefined;
        if (id) this.pendingAcks.get(id)?.(msg);
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake-socket' }, connection_info: { app_id: 'A00000001' } }));
      this.notify();
    });
    this.wss = wss;
  }

  get socketConnections(): number {
    return this.sockets.size;
  }

  /**
   * Deliver one envelope (`events_api`, `slash_commands`, `interactive`) to the connected app and resolve with its
   * ack (the `{ envelope_id, payload? }` message), or reject after timeoutMs.
   */
  sendEnvelope(type: 'events_api' | 'slash_commands' | 'interactive', payload: Record<string, unknown>, opts: { retryAttempt?: number; timeoutMs?: number } = {}): Promise<Record<string, unknown>> {
    const ws = [...this.sockets][0];
    if (!ws) return Promise.reject(new Error('fake Slack: no Socket Mode connection'));
    const envelopeId = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(envelopeId);
        reject(new Error(`fake Slack: no ack for envelope ${envelopeId} within ${opts.timeoutMs ?? 3000} ms`));
      }, opts.timeoutMs ?? 3000);
      this.pendingAcks.set(envelopeId, (msg) => {
        clearTimeout(timer);
        this.pendingAcks.delete(envelopeId);
        resolve(msg);
      });
      ws.send(JSON.stringify({
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        ...(type === 'events_api' ? { retry_attempt: opts.retryAttempt ?? 0, retry_reason: opts.retryAttempt ? 'timeout' : '' } : {}),
      }));
    });
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    if (this.wss) await new Promise<void>((resolve) => this.wss!.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

// ---------- signed requests to a Bolt HTTP receiver ----------

export interface SignOptions {
  secret?: string;
  /** Unix seconds; default now. A stale one (> 5 min old) must be rejected by the receiver. */
  timestamp?: number;
  /** Replace the computed signature (e.g. a wrong one). `null` sends no signature headers at all. */
  signature?: string | null;
  headers?: Record<string, string>;
}

export interface SignedResponse {
  status: number;
  body: string;
  /** When the response was complete (ms since epoch). */
  receivedAt: number;
}

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export async function postSigned(url: string, body: string, contentType: string, opts: SignOptions = {}): Promise<SignedResponse> {
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': contentType, ...opts.headers };
  if (opts.signature !== null) {
    headers['x-slack-request-timestamp'] = String(ts);
    headers['x-slack-signature'] = opts.signature ?? slackSignature(opts.secret ?? DEFAULT_SIGNING_SECRET, ts, body);
  }
  const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return { status: res.status, body: text, receivedAt: Date.now() };
}

export interface CommandFields {
  command?: string;
  text: string;
  channel_id?: string;
  channel_name?: string;
  user_id?: string;
  user_name?: string;
  team_id?: string;
  response_url?: string;
  trigger_id?: string;
}

/** A slash command, form-encoded as Slack posts it. */
export function commandForm(fields: CommandFields): string {
  const full: Record<string, string> = {
    token: 'deprecated-verification-token',
    team_id: fields.team_id ?? 'T00000001',
    team_domain: 'fake-workspace',
    channel_id: fields.channel_id ?? 'CSUPPORT01',
    channel_name: fields.channel_name ?? 'platform-support',
    user_id: fields.user_id ?? 'UHUMAN0001',
    user_name: fields.user_name ?? 'ana',
    command: fields.command ?? '/redis-diagnose',
    text: fields.text,
    api_app_id: 'A00000001',
    is_enterprise_install: 'false',
    response_url: fields.response_url ?? 'http://127.0.0.1:9/response/none',
    trigger_id: fields.trigger_id ?? `${Date.now()}.1.${randomUUID().slice(0, 8)}`,
  };
  return new URLSearchParams(full).toString();
}

export function sendCommand(url: string, fields: CommandFields, opts: SignOptions = {}): Promise<SignedResponse> {
  return postSigned(url, commandForm(fields), 'application/x-www-form-urlencoded', opts);
}

export interface MessageEventFields {
  channel?: string;
  channel_type?: string;
  user?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  subtype?: string;
  bot_id?: string;
  files?: FakeFile[];
  [extra: string]: unknown;
}

let eventTsCounter = 0;
/** A unique message ts, as Slack makes them (seconds.micro). */
export function messageTs(): string {
  eventTsCounter += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(200000 + eventTsCounter).padStart(6, '0')}`;
}

/** A `message` event as Slack sends it for a person's message in a channel. */
export function messageEvent(fields: MessageEventFields): Record<string, unknown> {
  const ts = fields.ts ?? messageTs();
  return {
    type: 'message',
    channel: 'CSUPPORT01',
    channel_type: 'channel',
    user: 'UHUMAN0001',
    text: '',
    team: 'T00000001',
    client_msg_id: randomUUID(),
    event_ts: ts,
    ...fields,
    ts,
  };
}

/** An `app_mention` event. */
export function mentionEvent(fields: MessageEventFields & { botUserId?: string }): Record<string, unknown> {
  const { botUserId, ...rest } = fields;
  const e = messageEvent(rest);
  e.type = 'app_mention';
  e.text = `<@${botUserId ?? 'UBOT00001'}> ${fields.text ?? ''}`;
  delete e.channel_type;
  return e;
}

/** The Events API envelope around an event. */
export function eventEnvelope(event: Record<string, unknown>, opts: { eventId?: string; teamId?: string } = {}): Record<string, unknown> {
  return {
    token: 'deprecated-verification-token',
    team_id: opts.teamId ?? 'T00000001',
    api_app_id: 'A00000001',
    event,
    type: 'event_callback',
    event_id: opts.eventId ?? `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: opts.teamId ?? 'T00000001', user_id: 'UBOT00001', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${randomUUID()}`,
  };
}

/** POST an Events API callback; `retryNum` adds Slack's retry headers. */
export function sendEvent(url: string, envelope: Record<string, unknown>, opts: SignOptions & { retryNum?: number; retryReason?: string } = {}): Promise<SignedResponse> {
  const headers = { ...opts.headers };
  if (opts.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(opts.retryNum);
    headers['x-slack-retry-reason'] = opts.retryReason ?? 'http_timeout';
  }
  return postSigned(url, JSON.stringify(envelope), 'application/json', { ...opts, headers });
}

export interface BlockActionFields {
  actionId: string;
  value: string;
  channel?: string;
  user?: string;
  /** ts of the message holding the button. */
  messageTs: string;
  threadTs?: string;
  responseUrl?: string;
  blocks?: unknown[];
}

/** A `block_actions` payload, posted as Slack does: form-encoded `payload=<json>`. */
export function sendBlockAction(url: string, f: BlockActionFields, opts: SignOptions = {}): Promise<SignedResponse> {
  const payload = {
    type: 'block_actions',
    user: { id: f.user ?? 'UHUMAN0001', username: 'ana', name: 'ana', team_id: 'T00000001' },
    api_app_id: 'A00000001',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: f.messageTs, channel_id: f.channel ?? 'CSUPPORT01', is_ephemeral: false },
    trigger_id: `${Date.now()}.1.${randomUUID().slice(0, 8)}`,
    team: { id: 'T00000001', domain: 'fake-workspace' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: f.channel ?? 'CSUPPORT01', name: 'platform-support' },
    message: { type: 'message', ts: f.messageTs, ...(f.threadTs ? { thread_ts: f.threadTs } : {}), bot_id: 'BBOT00001', user: 'UBOT00001', text: '', blocks: f.blocks ?? [] },
    state: { values: {} },
    response_url: f.responseUrl ?? 'http://127.0.0.1:9/response/none',
    actions: [{ action_id: f.actionId, block_id: 'redis_diagnose_actions', text: { type: 'plain_text', text: 'button' }, value: f.value, type: 'button', action_ts: `${Date.now() / 1000}` }],
  };
  return postSigned(url, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded', opts);
}

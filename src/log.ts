import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { pino, stdSerializers, type Logger } from 'pino';

/**
 * Structured JSON logs. Field-level redaction backs up the text redaction done in diagnosis/redact.ts:
 * no token, password or AWS secret is ever logged, whether it sits in a known field or inside a string.
 */
export const REDACT_PATHS = [
  'token', '*.token', 'botToken', '*.botToken', 'appToken', '*.appToken', 'signingSecret', '*.signingSecret',
  'password', '*.password', 'authToken', '*.authToken', 'secretAccessKey', '*.secretAccessKey',
  'sessionToken', '*.sessionToken', 'client_secret', '*.client_secret',
  'headers.authorization', '*.headers.authorization', 'req.headers.authorization',
  'headers.Authorization', '*.headers.Authorization', 'headers.cookie', '*.headers.cookie',
  'headers["x-slack-signature"]', '*.headers["x-slack-signature"]',
];

const CENSOR = '[redacted]';

/** Secrets as they appear inside text (messages, error strings, URLs). Each keeps its label and drops the value. */
const TEXT_PATTERNS: [RegExp, string][] = [
  // Slack bot/user/app/refresh tokens.
  [/\bx(?:ox[abposre]|app)-[A-Za-z0-9-]{4,}/g, CENSOR],
  // user:password@ in any URL (redis://, rediss://, https://). Like diagnosis/redact.ts, the password runs to the
  // last '@': people paste unencoded passwords containing '@' or '/'.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@"'<>]*):[^\s"'<>|]{1,400}@/gi, `$1:${CENSOR}@`],
  // AWS access key ids.
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, CENSOR],
  // key=value and "key": "value" forms.
  [/\b(aws_secret_access_key|secretAccessKey|aws_session_token|sessionToken|password|passwd|pass|auth_token|authToken|requirepass|signing_secret|signingSecret|client_secret)(["']?\s*[:=]\s*["']?)[^\s"',;&}]+/gi, `$1$2${CENSOR}`],
  // AUTH [user] password, as a Redis command.
  [/\bAUTH (?!failed|required)(\S+)( \S+)?/g, `AUTH ${CENSOR}`],
];

/** Replaces secrets inside a string. */
export function scrubText(text: string): string {
  let out = text;
  for (const [re, replacement] of TEXT_PATTERNS) out = out.replace(re, replacement);
  return out;
}

/** Field names whose values are always censored, at any depth (REDACT_PATHS covers the first levels only). */
const SECRET_KEYS = new Set(['token', 'bottoken', 'apptoken', 'signingsecret', 'password', 'authtoken', 'auth_token', 'secretaccesskey',
  'sessiontoken', 'client_secret', 'authorization', 'cookie', 'x-slack-signature', 'requirepass']);

/** Scrubs every string in a plain object or array (depth-limited; errors go through the err serializer). */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEYS.has(k.toLowerCase()) && v !== undefined && v !== null && v !== '' ? CENSOR : scrubValue(v, depth + 1);
  }
  return out;
}

/** Fields every log line written inside a request carries (requestId, eventId, channel...). */
export type RequestFields = { requestId: string } & Record<string, string | number | undefined>;
const requestContext = new AsyncLocalStorage<RequestFields>();

/** A short id for one Slack event, command, action or CLI run. */
export function newRequestId(): string {
  return randomUUID().slice(0, 8);
}

/**
 * Runs fn with a request scope: every line logged inside it, by any logger made here, carries these fields
 * (also lines logged by library code deep in the call, which has no child logger at hand).
 */
export function withRequest<T>(fields: Partial<RequestFields>, fn: () => T): T {
  const parent = requestContext.getStore();
  const merged = { ...parent, ...fields, requestId: fields.requestId ?? parent?.requestId ?? newRequestId() } as RequestFields;
  return requestContext.run(merged, fn);
}

/** The current request's fields, if any. */
export function currentRequest(): RequestFields | undefined {
  return requestContext.getStore();
}

/** A child logger bound to one request: the explicit way, for code that holds a logger. */
export function requestLogger(logger: Logger, fields: Partial<RequestFields> = {}): Logger {
  return logger.child({ ...fields, requestId: fields.requestId ?? currentRequest()?.requestId ?? newRequestId() });
}

/** pino's error serializer returns a non-plain object; copy it so its strings (message, stack) get scrubbed too. */
function serializeError(e: unknown): unknown {
  return e instanceof Error ? scrubValue({ ...stdSerializers.err(e) }) : scrubValue(e);
}

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'redis-diagnose', pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Every line says what it belongs to: lines written inside withRequest() carry its requestId (and eventId);
    // any other line is a process event (`event: 'started'`, `'shutdown'`...; 'process' when the caller named none).
    // A fresh object per line: pino merges the line's fields into what the mixin returns, so returning the
    // shared request object would leak one line's fields into every later line of the request.
    mixin: () => ({ ...(requestContext.getStore() ?? { event: 'process' }) }),
    formatters: { log: (obj) => scrubValue(obj) as Record<string, unknown> },
    serializers: { err: serializeError, error: serializeError },
    hooks: {
      logMethod(args, method) {
        // Scrub the message string(s); objects are handled by formatters.log.
        const cleaned = args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>;
        return method.apply(this, cleaned);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };

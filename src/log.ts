import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs. Field-level redaction backs up the text redaction done in diagnosis/redact.ts:
 * no token, password or AWS secret is ever logged.
 */
export const REDACT_PATHS = [
  'token', '*.token', 'botToken', '*.botToken', 'appToken', '*.appToken', 'signingSecret', '*.signingSecret',
  'password', '*.password', 'authToken', '*.authToken', 'secretAccessKey', '*.secretAccessKey',
  'headers.authorization', '*.headers.authorization', 'req.headers.authorization',
];

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  const options = { level, base: { service: 'redis-diagnose' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };

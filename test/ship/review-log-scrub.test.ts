// At LOG_LEVEL=trace the Slack SDKs log whole payloads, pasted errors included. Passwords that contain '@' or
// '/' (users paste them unencoded; the diagnosis redaction handles both) must not survive in a log line either.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { boltLogger } from '../../src/slack/bolt-logger.js';

function capture(level = 'trace') {
  const lines: string[] = [];
  const dest = new Writable({ write(chunk: Buffer, _enc, cb) { lines.push(...chunk.toString().split('\n').filter(Boolean)); cb(); } });
  return { logger: createLogger(level, dest), lines };
}

describe('log lines scrub URL passwords the way the paste redaction does', () => {
  it('a password with @ or / inside a pasted URL is not logged', () => {
    const { logger, lines } = capture();
    const sdk = boltLogger(logger);
    sdk.debug('Received a message on the WebSocket:', { text: 'Error connecting to rediss://default:Tok3n@part2@prd.example:6379 and redis://:ab/Secr3t@other:6379' });
    logger.info({ detail: 'url rediss://app:p4ss/w0rd@host:6380' }, 'x');
    const all = lines.join('\n');
    expect(all).not.toContain('part2');
    expect(all).not.toContain('Secr3t');
    expect(all).not.toContain('w0rd');
    expect(all).toContain('prd.example:6379');
  });
});

describe('configuration errors', () => {
  it('never show a URL password back', async () => {
    const { loadConfig } = await import('../../src/config.js');
    let message = '';
    try {
      loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', PROBE_ALLOWED_HOSTS: 'redis://u:cfg-secret-pw@host' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/PROBE_ALLOWED_HOSTS/);
    expect(message).not.toContain('cfg-secret-pw');
  });
});

import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, requestLogger, scrubText, withRequest } from '../../src/log.js';

function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const dest = new Writable({ write(chunk: Buffer, _enc, cb) { for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>); cb(); } });
  return { logger: createLogger(level, dest), lines };
}

describe('logs', () => {
  it('are JSON with a level, and every line belongs to a request or names its event', async () => {
    const { logger, lines } = capture();
    logger.info({ event: 'started' }, 'up');
    logger.info('something outside any request');
    await withRequest({ requestId: 'Ev123', eventId: 'Ev123' }, async () => {
      await new Promise((r) => setTimeout(r, 5));
      // Library code deep in the call chain logs with the root logger, and still gets the ids.
      logger.warn('inside, after an await');
    });
    expect(lines.map((l) => [l.level, l.event, l.requestId, l.eventId])).toEqual([
      [30, 'started', undefined, undefined],
      [30, 'process', undefined, undefined],
      [40, undefined, 'Ev123', 'Ev123'],
    ]);
  });

  it('levels filter', () => {
    const { logger, lines } = capture('warn');
    logger.info('hidden');
    logger.error('shown');
    expect(lines.map((l) => l.msg)).toEqual(['shown']);
  });

  it('requestLogger binds an id for code that holds a logger', () => {
    const { logger, lines } = capture();
    requestLogger(logger, { requestId: 'cmd-1' }).info('x');
    expect(lines[0]).toMatchObject({ requestId: 'cmd-1' });
  });

  it('redacts secret fields and secrets inside text, messages and error stacks', () => {
    const { logger, lines } = capture();
    logger.info({
      config: { slack: { botToken: 'xoxb-1111-2222-abcdefgh', signingSecret: 'f00dfeedf00dfeed' } },
      redisUrl: 'rediss://default:hunter2hunter2@master.prd.abc123.apne1.cache.amazonaws.com:6379',
      headers: { authorization: 'Bearer xoxb-1111-2222-abcdefgh' },
      note: 'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY key AKIAIOSFODNN7EXAMPLE',
    }, 'token xapp-1-A0123-456-abcdef was used');
    logger.error({ err: new Error('AUTH s3cr3tpass failed for redis://:s3cr3tpass@h:6379') }, 'boom');
    const text = JSON.stringify(lines);
    for (const secret of ['xoxb-1111', 'f00dfeed', 'hunter2', 'wJalrXUtnFEMI', 'AKIAIOSFODNN7EXAMPLE', 'xapp-1-A0123', 's3cr3tpass']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ config: { slack: { botToken: '[redacted]', signingSecret: '[redacted]' } }, headers: { authorization: '[redacted]' } });
    expect(lines[0]!.redisUrl).toBe('rediss://default:[redacted]@master.prd.abc123.apne1.cache.amazonaws.com:6379');
    expect(lines[0]!.msg).toBe('token [redacted] was used');
    expect((lines[1]!.err as { message: string }).message).toBe('AUTH [redacted] for redis://:[redacted]@h:6379');
  });

  it('leaves ordinary text alone', () => {
    const plain = 'NOAUTH Authentication required. connecting to master.prd-redis.abc123.apne1.cache.amazonaws.com:6379 (TransitEncryptionEnabled=false)';
    expect(scrubText(plain)).toBe(plain);
  });
});

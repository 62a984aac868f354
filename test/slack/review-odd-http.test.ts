// The health/metrics port is reachable by load balancers, scanners and anything else in the VPC. A request whose
// target is not a parseable URL path (`GET //`, `GET http://[`) must get an HTTP answer, not crash the process.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APP_TOKEN, FakeSlack } from '../helpers/fake-slack.js';
import { startHarness, type Harness } from './harness.js';

/** Sends one raw request line; resolves with the status line, or 'no answer' after 3 s. */
function rawRequest(port: number, target: string): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let buf = '';
    const timer = setTimeout(() => { sock.destroy(); resolve('no answer'); }, 3_000);
    sock.on('data', (d) => { buf += d.toString(); });
    sock.on('close', () => { clearTimeout(timer); resolve(buf.split('\r\n')[0] || 'no answer'); });
    sock.on('error', () => undefined);
  });
}

for (const mode of ['socket', 'http'] as const) {
  describe(`odd request targets on the ${mode} mode port`, () => {
    let fake: FakeSlack;
    let h: Harness;
    beforeAll(async () => {
      fake = await FakeSlack.start();
      if (mode === 'socket') await fake.enableSocketMode();
      h = await startHarness({ fake, ...(mode === 'socket' ? { slack: { appToken: DEFAULT_APP_TOKEN, signingSecret: undefined } } : {}) });
    });
    afterAll(async () => {
      await h.stop();
      await fake.stop();
    });

    it('answers them with an HTTP status and keeps serving /healthz', async () => {
      for (const target of ['//', 'http://[', 'http://a:b:c/healthz']) {
        expect(await rawRequest(h.bot.port!, target)).toMatch(/^HTTP\/1\.1 [45]\d\d /);
      }
      expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
    });
  });
}

// A usage error repeats what the person typed; a password in that value must not come back in the ack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack, sendCommand } from '../helpers/fake-slack.js';
import { startHarness, SUPPORT, type Harness } from './harness.js';

let fake: FakeSlack;
let h: Harness;

beforeAll(async () => {
  fake = await FakeSlack.start();
  h = await startHarness({ fake });
});
afterAll(async () => {
  await h.stop();
  await fake.stop();
});

describe('/redis-diagnose usage errors never echo a secret', () => {
  it('an --endpoint URL with a password is refused without repeating the password', async () => {
    const res = await sendCommand(h.url, {
      text: '--endpoint rediss://default:Sup3rS3cretTok3n@master.prd-redis.abc123.apne1.cache.amazonaws.com:6379',
      channel_id: SUPPORT,
      response_url: fake.responseUrl(),
    });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('is not an endpoint');
    expect(body.text).not.toContain('Sup3rS3cretTok3n');
  });
});

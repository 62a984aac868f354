// Shared files: downloaded with the bot token, capped, and the token never sent to a host that is not Slack's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadTextFile, isTextFile } from '../../src/slack/files.js';
import { FakeSlack } from '../helpers/fake-slack.js';

let fake: FakeSlack;
beforeAll(async () => { fake = await FakeSlack.start(); });
afterAll(async () => { await fake.stop(); });

const opts = () => ({ botToken: fake.opts.botToken, apiUrl: fake.apiUrl, maxBytes: 1024, timeoutMs: 2_000 });

describe('downloadTextFile', () => {
  it('reads a snippet with the bot token', async () => {
    const f = fake.addFile('err.log', 'redis.exceptions.ConnectionError: boom\n');
    const d = await downloadTextFile(f, opts());
    expect(d.text).toBe('redis.exceptions.ConnectionError: boom\n');
    expect(fake.downloads.at(-1)!.token).toBe(fake.opts.botToken);
  });

  it('stops at the size cap', async () => {
    const f = fake.addFile('huge.log', 'x'.repeat(100_000));
    const d = await downloadTextFile(f, opts());
    expect(d.text).toHaveLength(1024);
    expect(d.truncated).toBe(true);
  });

  it('never sends the token to a host that is not Slack (or the configured API host)', async () => {
    const before = fake.downloads.length;
    const d = await downloadTextFile({ name: 'x.txt', mimetype: 'text/plain', url_private: 'https://files.evil.example/x.txt' }, opts());
    expect(d.text).toBeUndefined();
    expect(d.note).toContain('not on a Slack host');
    expect(fake.downloads.length).toBe(before);
  });

  it('a refused token (redirect to the sign-in page) gives no text, and the redirect is not followed', async () => {
    const f = fake.addFile('err.log', 'secret content');
    const d = await downloadTextFile(f, { ...opts(), botToken: 'xoxb-wrong' });
    expect(d.text).toBeUndefined();
    expect(d.note).toContain('refused');
  });

  it('binary files are not downloaded', async () => {
    expect(isTextFile({ mimetype: 'image/png', filetype: 'png' })).toBe(false);
    expect(isTextFile({ mimetype: 'text/html', filetype: 'html' })).toBe(false);
    expect(isTextFile({ mimetype: 'application/octet-stream', filetype: 'python' })).toBe(true);
    const before = fake.downloads.length;
    const f = fake.addFile('screenshot.png', Buffer.from([0x89, 0x50, 0x4e, 0x47]), { mimetype: 'image/png', filetype: 'png' });
    expect((await downloadTextFile(f, opts())).text).toBeUndefined();
    expect(fake.downloads.length).toBe(before);
  });
});

import { describe, expect, it } from 'vitest';
import { parseCommandText } from '../../src/slack/command-args.js';

describe('parseCommandText', () => {
  it('help for empty text, help, --help and a lone --private', () => {
    for (const t of ['', '  ', 'help', 'HELP', '--help', '--private']) expect(parseCommandText(t)).toEqual({ kind: 'help' });
  });

  it('a group id alone is a live look-up of that group', () => {
    expect(parseCommandText('prd-redis')).toEqual({ kind: 'diagnose', text: '', private: false, hints: { group: 'prd-redis' }, target: 'group' });
  });

  it('an endpoint alone (plain, Slack-linked, or as a redis URL) is a look-up of that endpoint', () => {
    const host = 'prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com';
    for (const t of [`${host}:6379`, `<http://${host}|${host}>:6379`, `rediss://${host}:6379`]) {
      expect(parseCommandText(t)).toMatchObject({ kind: 'diagnose', text: '', hints: { endpoint: `${host}:6379` }, target: 'endpoint' });
    }
  });

  it('leading flags only: the paste keeps its own dashes', () => {
    expect(parseCommandText('--private --region eu-west-1 redis-cli --tls -h x -p 6379 ping')).toEqual({
      kind: 'diagnose', text: 'redis-cli --tls -h x -p 6379 ping', private: true, hints: { region: 'eu-west-1' },
    });
    expect(parseCommandText('-p --group=prd-redis Error: read ECONNRESET')).toEqual({
      kind: 'diagnose', text: 'Error: read ECONNRESET', private: true, hints: { group: 'prd-redis' },
    });
  });

  it('bad flag values are usage errors with an example', () => {
    expect(parseCommandText('--region narnia prd-redis')).toMatchObject({ kind: 'usage-error', message: expect.stringContaining('eu-west-1') });
    expect(parseCommandText('--group Not_A_Group x')).toMatchObject({ kind: 'usage-error' });
    expect(parseCommandText('--endpoint')).toMatchObject({ kind: 'usage-error', message: expect.stringContaining('needs a value') });
  });

  it('a multi-line paste is a paste', () => {
    const r = parseCommandText('Traceback (most recent call last):\n  File "app.py", line 3\nredis.exceptions.ConnectionError: Error 111 connecting to localhost:6379. Connection refused.');
    expect(r).toMatchObject({ kind: 'diagnose', private: false, hints: {} });
  });
});

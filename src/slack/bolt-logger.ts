import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../log.js';

type BoltLogLevel = LogLevel;

/** Bolt and the Slack SDKs log through this: one pino stream, same redaction, same request fields. */
export function boltLogger(logger: Logger): BoltLogger {
  let level: BoltLogLevel = LogLevel.INFO;
  let log = logger.child({ component: 'slack-sdk' });
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    // The SDKs' debug lines include whole request bodies: keep them at pino's trace level.
    debug: (...msg: unknown[]) => log.trace(text(msg)),
    info: (...msg: unknown[]) => log.info(text(msg)),
    warn: (...msg: unknown[]) => log.warn(text(msg)),
    error: (...msg: unknown[]) => log.error(text(msg)),
    setLevel: (l: BoltLogLevel) => { level = l; },
    getLevel: () => level,
    setName: (name: string) => { log = logger.child({ component: name }); },
  };
}

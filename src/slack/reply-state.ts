// What a reply's buttons need later (re-run the diagnosis, show the folded diff), kept in the Store under a
// short random ref that the buttons carry. Only redacted text is kept: never a secret at rest.
import { randomBytes } from 'node:crypto';
import type { Hints } from '../diagnosis/analyze.js';
import type { CauseId } from '../diagnosis/causes.js';
import type { Logger } from '../log.js';
import type { TerraformChange } from '../remediation/types.js';
import type { Store } from '../state/store.js';

export interface ReplyState {
  /** The input, redacted. */
  text: string;
  hints: Hints;
  channel: string;
  threadTs?: string;
  cause: CauseId;
  folded: TerraformChange[];
}

export const REPLY_STATE_TTL_MS = 7 * 24 * 60 * 60_000;

export class ReplyStates {
  constructor(private readonly store: Store, private readonly logger: Logger, private readonly prefix = 'rd:slack:reply:') {}

  newRef(): string {
    return randomBytes(9).toString('base64url');
  }

  async save(ref: string, state: ReplyState): Promise<void> {
    try {
      await this.store.set(this.prefix + ref, JSON.stringify(state), REPLY_STATE_TTL_MS);
    } catch (err) {
      // The reply still goes out; only its buttons will say the answer is too old.
      this.logger.warn({ err, ref }, 'could not save the reply state: its buttons will not work');
    }
  }

  async load(ref: string): Promise<ReplyState | undefined> {
    if (!/^[A-Za-z0-9_-]{6,32}$/.test(ref)) return undefined;
    try {
      const raw = await this.store.get(this.prefix + ref);
      return raw ? (JSON.parse(raw) as ReplyState) : undefined;
    } catch (err) {
      this.logger.warn({ err, ref }, 'could not read the reply state');
      return undefined;
    }
  }
}

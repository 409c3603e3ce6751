// The rule engine's saved state, `dataDir/rules-state.json`: `{"seq": N, "state": …}`, next to
// the WAL whose sequence N it covers. Written off the event loop from the parts the engine
// exports in slices (durable-file.ts: temp file, fdatasync, rename), so saving the state of
// 10,000 devices every 10 s never stalls ingest (issue 19). Until issue 19 the state was a row of
// the records database (`rule_state`, name `rules`): that row is still read when no file exists.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceFile } from '../durable-file.ts';

export const RULE_STATE_FILE = 'rules-state.json';

export interface SavedRuleState {
  seq: number;
  state: unknown;
}

export class RuleStateFile {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, RULE_STATE_FILE);
  }

  /** The saved state; undefined when there is none. Throws when the file is not a saved state. */
  load(): SavedRuleState | undefined {
    if (!existsSync(this.file)) return undefined;
    const s = JSON.parse(readFileSync(this.file, 'utf8')) as { seq?: unknown; state?: unknown };
    if (typeof s?.seq !== 'number' || s.state === undefined) throw new Error(`${this.file}: not a saved rule state`);
    return { seq: s.seq, state: s.state };
  }

  /** Replaces the saved state with `parts` (the engine's JSON text, in pieces) at WAL sequence `seq`. */
  async save(seq: number, parts: string[]): Promise<void> {
    await replaceFile(this.file, [`{"seq":${seq},"state":`, ...parts, '}']);
  }
}

// A way to reach a person (issue 15): email, SMS, voice. `send` never throws: it says whether the
// message arrived at the provider and, if not, whether trying again may help.
import type { ChannelName, Person } from '../paging-config.ts';

export interface Message {
  person: Person;
  /** the address it goes to (email or phone), from `Channel.address` */
  address: string;
  subject: string;
  text: string;
}

export type SendOutcome = { ok: true } | { ok: false; retry: boolean; reason: string };

export interface Channel {
  readonly name: ChannelName;
  /** where this person is reached on this channel; undefined when they have no such address */
  address(p: Person): string | undefined;
  send(m: Message): Promise<SendOutcome>;
  close?(): Promise<void>;
}

export function causeOf(err: unknown): string {
  const e = err as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  return (e.cause?.code ?? e.code ?? e.cause?.message ?? e.message ?? String(err)).slice(0, 200);
}

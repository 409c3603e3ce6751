// MQTT client ids bound to the account that holds them (issue 12 item 4). On the embedded broker a
// client id names a session; without this, a device of enterprise C connecting with the client id
// of a device of enterprise A takes over A's persistent session (its queued messages) and kicks A
// off. Policy: refuse. A client id held by one account — connected, or with a persistent session
// the broker keeps — is refused to every other account (CONNACK 0x02 identifier rejected, counted);
// the same account reconnecting takes its session over as MQTT says.

export type ClaimResult = 'ok' | 'client_id_taken' | 'too_many_sessions';

export class ClientIdOwners {
  /** client id → account (`device:<username>`, `edge:<username>`, `anonymous`) */
  private readonly owners = new Map<string, string>();

  /** `max`: client ids remembered at most (persistent sessions included); beyond, new ids are refused */
  constructor(private readonly max = 100_000) {}

  /** May `account` use `clientId`? Records it as the holder when free. */
  claim(clientId: string, account: string): ClaimResult {
    const holder = this.owners.get(clientId);
    if (holder !== undefined) return holder === account ? 'ok' : 'client_id_taken';
    if (this.owners.size >= this.max) return 'too_many_sessions';
    this.owners.set(clientId, account);
    return 'ok';
  }

  /** A client disconnected: a clean session ends with it; a persistent one stays the account's. */
  disconnected(clientId: string, account: string, cleanSession: boolean): void {
    if (cleanSession && this.owners.get(clientId) === account) this.owners.delete(clientId);
  }

  get size(): number {
    return this.owners.size;
  }
}

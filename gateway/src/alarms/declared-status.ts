// Declared production status over event time (producing / stopped / rectifying): the config's
// status from the beginning, then every declaration from its `from` time (PUT
// /enterprises/{id}/declared-status). Correlation rules (明停暗开, DOMAIN.md §6) read it at the
// time of the reading, so a backfilled night is judged by what was declared that night.
import type { AssetModel, DeclaredStatus } from '../model/assets.ts';

export interface Declaration {
  enterprise: string;
  status: DeclaredStatus;
  from: number;
}

export class DeclaredStatusBook {
  private readonly byEnterprise = new Map<string, Declaration[]>();
  /** the config's status, before any declaration changed the asset model */
  private readonly configured: Map<string, DeclaredStatus>;

  constructor(
    private readonly assets: AssetModel,
    declarations: Declaration[] = [],
  ) {
    this.configured = new Map([...assets.enterprises.values()].map((e) => [e.id, e.declaredStatus] as const));
    for (const d of declarations) this.add(d);
  }

  add(d: Declaration): void {
    const list = this.byEnterprise.get(d.enterprise) ?? [];
    list.push({ enterprise: d.enterprise, status: d.status, from: d.from });
    list.sort((a, b) => a.from - b.from); // stable: same `from`, the later declaration wins
    this.byEnterprise.set(d.enterprise, list);
    // the asset model shows the status in force now (API, consoles)
    const ent = this.assets.enterprises.get(d.enterprise);
    if (ent) ent.declaredStatus = this.at(d.enterprise, Number.MAX_SAFE_INTEGER);
  }

  at(enterprise: string, ts: number): DeclaredStatus {
    let status: DeclaredStatus = this.configured.get(enterprise) ?? 'producing';
    for (const d of this.byEnterprise.get(enterprise) ?? []) {
      if (d.from > ts) break;
      status = d.status;
    }
    return status;
  }

}

// Central mode (issue 7, docs/uplink.md): the edges allowed to uplink (auth.edges), what the
// central knows of each — connected or not, since when, its last hello (rules, queue), the
// newest event time received per enterprise, the highest row applied per lane and the gaps seen
// — and the findings that follow: an edge the central has not heard from, or whose oldest
// unsent data is older than `silentAfterSeconds`, raises `uplink.edge-silent` (数据延迟) for each
// of its enterprises.
import { PasswordCheck } from '../auth/secret.ts';
import type { Condition } from '../model/vocabulary.ts';
import type { EdgeCredential } from '../config/schema.ts';
import type { Lane } from './forward-queue.ts';
import type { Hello } from './protocol.ts';
import type { EdgePrincipal } from '../ingest/source.ts';


export type { EdgePrincipal } from '../ingest/source.ts';

export interface Gap {
  lane: Lane;
  from: number;
  to: number;
  /** dropped: the edge's queue overflowed and said so; missing: never received */
  cause: 'dropped' | 'missing';
  at: number;
}

export interface EdgeState {
  principal: EdgePrincipal;
  check: PasswordCheck;
  connected: boolean;
  clients: number;
  /** wall time the current (or last) connection came up; -Infinity: not since this gateway started */
  connectedAt: number;
  lastHeardAt: number;
  hello?: Hello;
  helloAt: number;
  /** the edge queue's identity whose rows `hwm` counts (0: none seen yet) */
  epoch: number;
  /** rows durable here, per lane */
  hwm: Record<Lane, number>;
  /** rows handed to the WAL (durable, or their write in flight) */
  claimed: Record<Lane, number>;
  /** the last write in flight per lane */
  pending: Record<Lane, Promise<void>>;
  /** a batch of this connection was not applied (store full): later ones would leave a hole, so they are refused too until it reconnects */
  stalled: boolean;
  gaps: Gap[];
  /** bulk rows the edge said it dropped (loss notices), not yet seen as gaps */
  dropped: [number, number][];
  lastEventTs: Map<string, number>;
  silent: Set<string>;
}

export class EdgeRegistry {
  readonly edges = new Map<string, EdgeState>();
  private readonly byEnterprise = new Map<string, EdgeState>();
  private readonly startedAt: number;

  constructor(creds: EdgeCredential[], private readonly now: () => number) {
    this.startedAt = now();
    for (const c of creds) {
      const principal: EdgePrincipal = { edge: c.username, enterprises: new Set(c.enterprises), ...(c.sites ? { sites: new Set(c.sites) } : {}) };
      const st: EdgeState = { principal, check: new PasswordCheck(c.password), connected: false, clients: 0, connectedAt: -Infinity, lastHeardAt: -Infinity, helloAt: -Infinity, epoch: 0, hwm: { p: 0, b: 0 }, claimed: { p: 0, b: 0 }, pending: { p: Promise.resolve(), b: Promise.resolve() }, stalled: false, gaps: [], dropped: [], lastEventTs: new Map(), silent: new Set() };
      this.edges.set(c.username, st);
      for (const e of c.enterprises) this.byEnterprise.set(e, st);
    }
  }

  /** MQTT credentials of an edge (constant-time compare); undefined: not an edge */
  check(username: string | undefined, password: Buffer | undefined): EdgePrincipal | undefined {
    const st = username ? this.edges.get(username) : undefined;
    if (!st || password === undefined) return undefined;
    return st.check.matches(password) ? st.principal : undefined;
  }

  allows(p: EdgePrincipal, enterprise: string, site: string | null | undefined): boolean {
    if (!p.enterprises.has(enterprise)) return false;
    return !p.sites || (site != null && p.sites.has(`${enterprise}/${site}`));
  }

  connected(edge: string): void {
    const st = this.edges.get(edge);
    if (!st) return;
    st.clients++;
    st.stalled = false;
    // the first connection here (in cluster mode the edge may have been connected to another instance)
    if (!st.connected || st.clients === 1) st.connectedAt = this.now();
    st.connected = true;
    st.lastHeardAt = this.now();
  }

  disconnected(edge: string): void {
    const st = this.edges.get(edge);
    if (!st) return;
    st.clients = Math.max(0, st.clients - 1);
    st.stalled = false;
    st.connected = st.clients > 0;
    // heard up to the moment the connection went
    st.lastHeardAt = this.now();
  }

  /** the edge forwarding this enterprise (AlarmManager edges policy) */
  originOf(enterprise: string): string | undefined {
    return this.byEnterprise.get(enterprise)?.principal.edge;
  }

  /** data of this enterprise with event time before the edge's link came back is backfill */
  backfillBefore(enterprise: string): number {
    return this.byEnterprise.get(enterprise)?.connectedAt ?? -Infinity;
  }

  /** how far behind the centre is for this edge, seconds: its oldest unsent data, or the silence since it was last heard */
  behindSeconds(st: EdgeState, now = this.now()): number {
    const heard = Math.max(st.lastHeardAt, this.startedAt);
    if (!st.connected) return Math.max(0, (now - heard) / 1000);
    const q = st.hello?.queue;
    const oldest = Math.min(q?.p.oldestAt ?? Infinity, q?.b.oldestAt ?? Infinity);
    // the edge's clock: its queue age as of its hello, plus the time since that hello
    const age = oldest === Infinity || !st.hello ? 0 : st.hello.sentAt - oldest + (now - st.helloAt);
    return Math.max(0, age / 1000, (now - heard) / 1000 - 30);
  }

  /** `uplink.edge-silent` for every enterprise whose edge changed between silent and not (orange, DOMAIN.md §2 data gaps) */
  /** `was`: whether the key is raised now (cluster mode: from the open alarms, not this registry's memory) */
  silentConditions(silentAfterMs: number, now = this.now(), was?: (key: string) => boolean): Condition[] {
    const out: Condition[] = [];
    for (const st of this.edges.values()) {
      const behind = this.behindSeconds(st, now);
      const silent = behind * 1000 > silentAfterMs;
      for (const enterprise of st.principal.enterprises) {
        const key = `uplink.edge-silent|${enterprise}|${st.principal.edge}`;
        if (silent === (was ? was(key) : st.silent.has(enterprise))) continue;
        if (silent) st.silent.add(enterprise);
        else st.silent.delete(enterprise);
        const why = st.connected
          ? { zh: `边缘网关 ${st.principal.edge} 数据延迟 ${fmtDuration(behind, 'zh')}`, en: `edge ${st.principal.edge}: data ${fmtDuration(behind, 'en')} behind` }
          : { zh: `边缘网关 ${st.principal.edge} 已失联 ${fmtDuration(behind, 'zh')}`, en: `edge ${st.principal.edge} not heard for ${fmtDuration(behind, 'en')}` };
        out.push({
          rule: 'uplink.edge-silent',
          key,
          subject: { enterprise },
          active: silent,
          severity: 'orange',
          ts: now,
          message: silent ? { zh: `边缘网关失联或数据延迟：${why.zh}`, en: `Edge silent or behind: ${why.en}` } : { zh: `边缘网关 ${st.principal.edge} 数据恢复`, en: `edge ${st.principal.edge}: data flowing again` },
          evidence: { edge: st.principal.edge, behindSeconds: Math.round(behind), connected: st.connected },
        });
      }
    }
    return out;
  }

  /**
   * The edge's queue is a new one (its file was lost, the box replaced): its rows are numbered from
   * 1 again, so what was applied of the old one no longer says what is a duplicate.
   */
  newEpoch(st: EdgeState, epoch: number): void {
    st.epoch = epoch;
    st.hwm = { p: 0, b: 0 };
    st.claimed = { p: 0, b: 0 };
    st.dropped = [];
  }

  /** the highest rows applied per edge and lane, and the gaps seen (saved in the records database) */
  exportState(): Record<string, { epoch: number; hwm: Record<Lane, number>; gaps: Gap[]; dropped: [number, number][] }> {
    const out: Record<string, { epoch: number; hwm: Record<Lane, number>; gaps: Gap[]; dropped: [number, number][] }> = {};
    for (const [id, st] of this.edges) out[id] = { epoch: st.epoch, hwm: { ...st.hwm }, gaps: st.gaps, dropped: st.dropped };
    return out;
  }

  importState(s: unknown): void {
    for (const [id, x] of Object.entries((s ?? {}) as Record<string, { epoch?: number; hwm?: Partial<Record<Lane, number>>; gaps?: Gap[]; dropped?: [number, number][] }>)) {
      const st = this.edges.get(id);
      if (!st) continue;
      st.epoch = x.epoch ?? 0;
      st.hwm = { p: x.hwm?.p ?? 0, b: x.hwm?.b ?? 0 };
      st.claimed = { ...st.hwm };
      st.gaps = x.gaps ?? [];
      st.dropped = x.dropped ?? [];
    }
  }

  /**
   * A mark found in the WAL at start (in WAL order), later than the saved state. A mark that does
   * not follow on from the rows already counted (a write behind it failed) is not trusted: those
   * rows are applied again when the edge resends them, rather than lost.
   */
  applyMark(edge: string, epoch: number, lane: Lane, from: number, seq: number): void {
    const st = this.edges.get(edge);
    if (!st) return;
    if (epoch !== st.epoch) this.newEpoch(st, epoch);
    if (from > st.hwm[lane] + 1) return;
    if (seq > st.hwm[lane]) st.hwm[lane] = st.claimed[lane] = seq;
  }

  /**
   * A hello. When the edge's queue, in the same epoch, numbers below what the central already has
   * (the edge's queue file lost its last commits, e.g. in a power cut), the central follows the
   * edge: otherwise its new rows would be taken for duplicates and dropped.
   */
  hello(st: EdgeState, h: Hello, onRegression: (lane: Lane, from: number, to: number) => void): void {
    st.hello = h;
    st.helloAt = this.now();
    if (h.epoch !== st.epoch) return;
    for (const lane of ['p', 'b'] as const) {
      const last = h.queue[lane].nextSeq - 1;
      if (last >= st.hwm[lane]) continue;
      onRegression(lane, last + 1, st.hwm[lane]);
      st.hwm[lane] = st.claimed[lane] = last;
    }
  }
}

export function fmtDuration(s: number, lang: 'zh' | 'en'): string {
  if (s < 120) return lang === 'zh' ? `${Math.round(s)} 秒` : `${Math.round(s)} s`;
  if (s < 7200) return lang === 'zh' ? `${Math.round(s / 60)} 分钟` : `${Math.round(s / 60)} min`;
  return lang === 'zh' ? `${(s / 3600).toFixed(1)} 小时` : `${(s / 3600).toFixed(1)} h`;
}

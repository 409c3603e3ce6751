// Cluster mode (docs/cluster.md §10): what the cluster knows of each edge, in PostgreSQL, so that
// whichever instance the edge connects to next carries on from the same rows. The rows made
// durable (per lane, in the edge queue's epoch) only rise within an epoch; a new epoch (a new queue
// at the edge) replaces them; a hello that shows the edge's queue behind lowers them explicitly.
// The link itself (connected where, since when, last heard, last hello) is written by the instance
// holding the connection and read by the others.
import { sql } from 'kysely';
import { NOW } from './cluster-records.ts';
import type { Db } from './tx.ts';

export interface EdgeLinkRow {
  edge: string;
  epoch: number;
  hwm: { p: number; b: number };
  state: unknown;
  instance: string | null;
  connected: boolean;
  connectedAt: number | null;
  lastHeardAt: number | null;
  hello: unknown;
  helloAt: number | null;
  /** the database server's time of the last write of the link */
  updatedAt: number;
}

export interface EdgeLinkWrite {
  instance: string;
  connected: boolean;
  connectedAt: number | null;
  lastHeardAt: number | null;
  hello: unknown;
  helloAt: number | null;
  state: unknown;
}

const n = (x: number | string | null) => (x === null ? null : Number(x));

export class EdgeLinkRecords {
  constructor(private readonly db: Db) {}

  async all(edge?: string): Promise<EdgeLinkRow[]> {
    let q = this.db.selectFrom('edge_links').selectAll().orderBy('edge');
    if (edge !== undefined) q = q.where('edge', '=', edge);
    const rows = await q.execute();
    return rows.map((r) => ({
      edge: r.edge,
      epoch: Number(r.epoch),
      hwm: { p: Number(r.hwm_p), b: Number(r.hwm_b) },
      state: JSON.parse(r.state),
      instance: r.instance,
      connected: Boolean(r.connected),
      connectedAt: n(r.connected_at),
      lastHeardAt: n(r.last_heard_at),
      hello: r.hello === null ? null : JSON.parse(r.hello),
      helloAt: n(r.hello_at),
      updatedAt: Number(r.updated_at),
    }));
  }

  async get(edge: string): Promise<EdgeLinkRow | undefined> {
    return (await this.all(edge))[0];
  }

  /** The rows durable for an edge: raised within its epoch, replaced by a new epoch. */
  async mark(edge: string, epoch: number, hwm: { p: number; b: number }): Promise<void> {
    await this.db
      .insertInto('edge_links')
      .values({ edge, epoch, hwm_p: hwm.p, hwm_b: hwm.b })
      .onConflict((oc) =>
        oc.column('edge').doUpdateSet({
          hwm_p: sql`case when edge_links.epoch = excluded.epoch then greatest(edge_links.hwm_p, excluded.hwm_p) else excluded.hwm_p end`,
          hwm_b: sql`case when edge_links.epoch = excluded.epoch then greatest(edge_links.hwm_b, excluded.hwm_b) else excluded.hwm_b end`,
          epoch: sql`excluded.epoch`,
        }),
      )
      .execute();
  }

  /** The edge's queue numbers below what was recorded (its queue file lost its last commits): follow the edge. */
  async lower(edge: string, epoch: number, hwm: { p: number; b: number }): Promise<void> {
    await this.db
      .updateTable('edge_links')
      .set({ hwm_p: sql`least(hwm_p, ${hwm.p})`, hwm_b: sql`least(hwm_b, ${hwm.b})` })
      .where('edge', '=', edge)
      .where('epoch', '=', epoch)
      .execute();
  }

  /** The link as the instance holding the edge's connection sees it. */
  async link(edge: string, w: EdgeLinkWrite): Promise<void> {
    const set = {
      instance: w.instance,
      connected: w.connected ? 1 : 0,
      connected_at: w.connectedAt,
      last_heard_at: w.lastHeardAt,
      hello: w.hello === undefined || w.hello === null ? null : JSON.stringify(w.hello),
      hello_at: w.helloAt,
      state: JSON.stringify(w.state ?? {}),
      updated_at: NOW,
    };
    await this.db
      .insertInto('edge_links')
      .values({ edge, ...set })
      .onConflict((oc) => oc.column('edge').doUpdateSet(set))
      .execute();
  }
}

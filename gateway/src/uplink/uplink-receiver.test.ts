// The central's receiver with pipelined batches (issue 7, docs/uplink.md §11.4), on a WAL whose
// writes the test completes or fails by hand: a batch refused while an earlier one is still being
// written never makes the centre apply rows twice, and a later write that succeeds behind a failed
// one is not counted — the edge resends both, in order.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';
import { RejectError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { Metrics } from '../metrics/metrics.ts';
import { AssetModel } from '../model/assets.ts';
import type { Frame } from '../model/types.ts';
import { encodeFrame } from '../wal/codec.ts';
import type { Wal } from '../wal/wal.ts';
import { EdgeRegistry } from './edge-registry.ts';
import type { QueueRow } from './forward-queue.ts';
import { encodeBatch, uplinkTopic } from './protocol.ts';
import { UplinkReceiver } from './uplink-receiver.ts';
import { centralCommit } from './central-commit.ts';

const EPOCH = 7;
const config = parseConfig({ gateway: { mode: 'central' }, auth: { edges: [{ username: 'e1', password: 'pw', enterprises: ['ent-a'] }] }, enterprises: [{ id: 'ent-a', sites: [{ id: 's1', devices: [{ id: 'g1', kind: 'gas' }] }] }] });

/** a WAL whose appends wait for the test: ok(), fail(), or refused at once when `full` */
function fakeWal() {
  const calls: { frames: Frame[]; durable: boolean; resolve: () => void; reject: (e: Error) => void }[] = [];
  const w = {
    full: false,
    calls,
    append(frames: Frame[]): Promise<void> {
      if (w.full) return Promise.reject(new RejectError('wal_full', 'full'));
      return new Promise((resolve, reject) => {
        const c = { frames, durable: false, resolve: () => ((c.durable = true), resolve()), reject };
        calls.push(c);
      });
    },
    /** the readings of the appends that became durable, in order */
    values: () => calls.filter((c) => c.durable).flatMap((c) => c.frames.flatMap((f) => (f.type === 'readings' ? f.readings.map((r) => r.value) : []))),
  };
  return w;
}

function rig() {
  const wal = fakeWal();
  const registry = new EdgeRegistry(config.auth.edges, () => 1000);
  const p = registry.check('e1', Buffer.from('pw'))!;
  registry.connected('e1');
  const rx = new UplinkReceiver({ registry, assets: AssetModel.fromConfig(config), metrics: new Metrics(), log: createLogger({ level: 'silent' }), clock: { now: () => 1000 }, deadLetters: { add: () => {} } as never, maxMessageBytes: 1 << 20, commit: centralCommit(wal as unknown as Wal, () => undefined, () => undefined) });
  const hello = { v: 1, epoch: EPOCH, gateway: 'g', rules: [], startedAt: 0, sentAt: 0, queue: { p: { rows: 0, oldestAt: null, nextSeq: 1 }, b: { rows: 0, readings: 0, oldestAt: null, nextSeq: 1 }, bytes: 0, droppedReadings: 0 } };
  void rx.accept(p, uplinkTopic('e1', 'hello'), Buffer.from(JSON.stringify(hello)));
  // rows from..to, one reading each, value = row number
  const batch = (from: number, to: number) => {
    const rows: QueueRow[] = [];
    for (let s = from; s <= to; s++) rows.push({ lane: 'b', seq: s, at: 0, readings: 1, body: `[${encodeFrame({ type: 'readings', transport: 'mqtt', readings: [{ ts: s, enterprise: 'ent-a', site: 's1', device: 'g1', kind: 'gas', metric: 'lel', value: s, quality: 'good' }] })}]` });
    return rx.accept(p, uplinkTopic('e1', 'b'), encodeBatch('e1', EPOCH, 'b', rows));
  };
  const st = registry.edges.get('e1')!;
  const reconnect = () => {
    registry.disconnected('e1');
    registry.connected('e1');
  };
  return { wal, batch, st, reconnect };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('UplinkReceiver: pipelined batches [docs/uplink.md §11.4]', () => {
  it('a batch refused while the one before it is still being written: nothing acknowledged twice, nothing applied twice', async () => {
    const { wal, batch, st, reconnect } = rig();
    const a = batch(1, 10);
    await tick();
    wal.full = true;
    const b = await batch(11, 20);
    expect(b).toMatchObject({ ok: false, retry: true });
    wal.calls[0].resolve(); // A becomes durable after all
    expect(await a).toMatchObject({ ok: true, readings: 10 });
    expect(st.hwm.b).toBe(10);
    // the connection was dropped (B not acknowledged); A's acknowledgement may never have reached the edge:
    // it resends everything from row 1
    reconnect();
    wal.full = false;
    const again = batch(1, 20);
    await tick();
    wal.calls[1].resolve();
    expect(await again).toMatchObject({ ok: true, readings: 10 });
    expect(wal.values()).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(st.hwm.b).toBe(20);
  });

  it('a write that fails with a later one durable behind it: the later one is not counted, both are applied once the edge resends', async () => {
    const { wal, batch, st, reconnect } = rig();
    const a = batch(1, 10);
    const b = batch(11, 20);
    await tick();
    await tick();
    expect(wal.calls).toHaveLength(2);
    wal.calls[0].reject(new Error('EIO'));
    wal.calls[1].resolve();
    expect(await a).toMatchObject({ ok: false, retry: true });
    expect(await b).toMatchObject({ ok: true });
    // B is durable but follows a hole: not counted, so the resent rows are applied, not skipped
    expect(st.hwm.b).toBe(0);
    reconnect();
    const again = batch(1, 20);
    await tick();
    wal.calls[2].resolve();
    expect(await again).toMatchObject({ ok: true, readings: 20 });
    expect(st.hwm.b).toBe(20);
    // rows 1-10 once; 11-20 twice (the second copy is the one counted): duplicates, never a loss
    expect(wal.values().filter((v) => v! <= 10)).toHaveLength(10);
  });
});

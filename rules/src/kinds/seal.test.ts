// DOMAIN.md §10 / rules/README.md `seal` (seal.opened-while-stopped, seal.tamper): an electronic
// seal opened while the enterprise is declared stopped is red until it closes or the declaration
// changes; a seal already open when the stop is declared is red from the declaration; a tamper is
// red while stopped, orange otherwise, and clears 5 min after the last one.
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../gateway/src/model/types.ts';
import { MIN, S, T0, testAssets } from '../../../test/helpers/rules.ts';
import { createEvaluator } from '../evaluator.ts';
import type { Condition } from '../types.ts';

const assets = () =>
  testAssets({
    sites: [{ id: 's1', zones: [{ id: 'z1', maxPersons: 9, highRisk: false, restricted: false }], devices: [{ id: 'seal-1', kind: 'seal', intervalSeconds: 60 }, { id: 'meter-1', kind: 'power', intervalSeconds: 60 }, { id: 'uwb-1', kind: 'positioning', intervalSeconds: 10 }] }],
  });

/** an evaluator whose declared status follows `declare()` (as the records do) */
function setup(initial: 'producing' | 'stopped') {
  const declared: { from: number; status: string }[] = [{ from: -Infinity, status: initial }];
  const ev = createEvaluator({ packs: ['seal'], env: { assets: assets(), timezone: 'Asia/Shanghai', declaredStatusAt: (_e, ts) => declared.filter((d) => d.from <= ts).at(-1)!.status as never } });
  const out: Condition[] = [];
  ev.onCondition((c) => out.push(c));
  return {
    ev,
    out,
    declare(status: 'producing' | 'stopped', from: number) {
      declared.push({ from, status });
      ev.declare('ent-a', status, from);
    },
  };
}
const ev = (device: string, ts: number, eventType: string): Frame => ({ type: 'event', transport: 'mqtt', enterprise: 'ent-a', site: 's1', device, ts, eventType, detail: {} });
const brief = (out: Condition[]) => out.map((c) => [c.rule, c.severity, c.active, (c.ts - T0) / MIN]);

describe('seal [DOMAIN.md §10]', () => {
  it('opened while declared stopped: red at once with the head-count and the power series; cleared when it closes', () => {
    const r = setup('stopped');
    r.ev.ingest({ type: 'position', transport: 'mqtt', ts: T0, enterprise: 'ent-a', site: 's1', device: 'uwb-1', tags: [{ tag: 'P1', zone: 'z1' }, { tag: 'P2', zone: 'z1' }] }, T0);
    r.ev.ingest(ev('seal-1', T0 + MIN, 'seal_opened'), T0 + MIN);
    r.ev.ingest(ev('seal-1', T0 + 20 * MIN, 'seal_closed'), T0 + 20 * MIN);
    r.ev.tick(T0 + 30 * MIN);
    expect(brief(r.out)).toEqual([
      ['seal.opened-while-stopped', 'red', true, 1],
      ['seal.opened-while-stopped', 'red', false, 20],
    ]);
    expect(r.out[0].message.zh).toBe('停产期间电子封条打开：企业申报停产，电子封条 seal-1 被打开，井下/现场 2 人');
    expect(r.out[0].evidence).toMatchObject({ open: true, status: 'stopped', persons: 2, series: [{ site: 's1', device: 'meter-1', metric: 'kw' }] });
  });

  it('opened while producing: nothing; the stop declared while it is open: red from the declaration; producing again (复工复产): cleared', () => {
    const r = setup('producing');
    r.ev.ingest(ev('seal-1', T0, 'seal_opened'), T0);
    r.ev.tick(T0 + 10 * MIN);
    expect(r.out).toEqual([]);
    r.declare('stopped', T0 + 10 * MIN);
    r.ev.tick(T0 + 10 * MIN);
    r.declare('producing', T0 + 40 * MIN);
    r.ev.tick(T0 + 40 * MIN);
    expect(brief(r.out)).toEqual([
      ['seal.opened-while-stopped', 'red', true, 10],
      ['seal.opened-while-stopped', 'red', false, 40],
    ]);
  });

  it("the seal's own state metric `closed` counts like its events", () => {
    const r = setup('stopped');
    const closed = (v: number, ts: number): Frame => ({ type: 'readings', transport: 'mqtt', readings: [{ ts, enterprise: 'ent-a', site: 's1', device: 'seal-1', kind: 'seal', metric: 'closed', value: v, quality: 'good' }] });
    r.ev.ingest(closed(1, T0), T0);
    r.ev.ingest(closed(0, T0 + MIN), T0 + MIN);
    r.ev.ingest(closed(0, T0 + 2 * MIN), T0 + 2 * MIN);
    r.ev.ingest(closed(1, T0 + 3 * MIN), T0 + 3 * MIN);
    expect(brief(r.out)).toEqual([
      ['seal.opened-while-stopped', 'red', true, 1],
      ['seal.opened-while-stopped', 'red', false, 3],
    ]);
  });

  it('tamper: orange while producing, red while stopped; repeats within 5 min are one; cleared 5 min after the last', () => {
    const r = setup('producing');
    r.ev.ingest(ev('seal-1', T0, 'tamper'), T0);
    r.ev.ingest(ev('seal-1', T0 + 2 * MIN, 'tamper'), T0 + 2 * MIN);
    r.ev.tick(T0 + 10 * MIN);
    r.declare('stopped', T0 + 20 * MIN);
    r.ev.ingest(ev('seal-1', T0 + 30 * MIN, 'tamper'), T0 + 30 * MIN);
    r.ev.tick(T0 + 40 * MIN);
    expect(brief(r.out)).toEqual([
      ['seal.tamper', 'orange', true, 0],
      ['seal.tamper', 'orange', false, 7],
      ['seal.tamper', 'red', true, 30],
      ['seal.tamper', 'red', false, 35],
    ]);
  });

  it('an open seal is still watched after a restart: the stop declared later raises', () => {
    const a = setup('producing');
    a.ev.ingest(ev('seal-1', T0, 'seal_opened'), T0);
    const b = setup('producing');
    b.ev.importState(JSON.parse(JSON.stringify(a.ev.exportState())));
    b.declare('stopped', T0 + 5 * MIN);
    b.ev.tick(T0 + 5 * MIN + S);
    expect(brief(b.out)).toEqual([['seal.opened-while-stopped', 'red', true, 5 + 1 / 60]]);
  });
});

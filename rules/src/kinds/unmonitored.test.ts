// DOMAIN.md §10 / rules/README.md `unmonitored` (video.unmonitored-work, 无监控不作业): a camera
// or the positioning system offline while its zone is occupied, or while the enterprise declares
// production, raises; red in an occupied high-risk zone; clears when it reports again or nobody
// works there any more.
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../gateway/src/model/types.ts';
import { MIN, T0, testAssets } from '../../../test/helpers/rules.ts';
import { createEvaluator } from '../evaluator.ts';
import type { Condition } from '../types.ts';

const assets = () =>
  testAssets({
    sites: [{ id: 's1', zones: [{ id: 'z-tank', maxPersons: 9, highRisk: true, restricted: false }, { id: 'z-yard', maxPersons: 9, highRisk: false, restricted: false }], devices: [{ id: 'cam-tank', kind: 'camera', zone: 'z-tank', intervalSeconds: 60 }, { id: 'cam-yard', kind: 'camera', zone: 'z-yard', intervalSeconds: 60 }, { id: 'uwb-1', kind: 'positioning', intervalSeconds: 60 }] }],
  });

function setup(status: 'producing' | 'stopped') {
  const ev = createEvaluator({ packs: ['video'], env: { assets: assets(), timezone: 'Asia/Shanghai', declaredStatusAt: () => status } });
  const out: Condition[] = [];
  ev.onCondition((c) => out.push(c));
  return { ev, out };
}
const beat = (device: string, ts: number): Frame => ({ type: 'readings', transport: 'mqtt', readings: [{ ts, enterprise: 'ent-a', site: 's1', device, kind: 'camera', metric: 'online', value: 1, quality: 'good' }] });
const pos = (ts: number, zone: string | null, n: number): Frame => ({ type: 'position', transport: 'mqtt', ts, enterprise: 'ent-a', site: 's1', device: 'uwb-1', tags: Array.from({ length: n }, (_, k) => ({ tag: `P${k}`, zone })) });
const brief = (out: Condition[]) => out.filter((c) => c.rule === 'video.unmonitored-work').map((c) => [c.subject.device, c.severity, c.active, (c.ts - T0) / MIN]);

describe('unmonitored (video.unmonitored-work) [DOMAIN.md §10]', () => {
  it('declared stopped: a camera dark over an occupied high-risk zone is red, over an empty zone nothing; it clears when the camera is back', () => {
    const r = setup('stopped');
    for (let m = 0; m <= 20; m++) {
      const ts = T0 + m * MIN;
      if (m < 3 || m >= 15) r.ev.ingest(beat('cam-tank', ts), ts);
      // cam-yard dark from 8 to 12 min, over an empty zone: nothing
      if (m < 8 || m > 12) r.ev.ingest(beat('cam-yard', ts), ts);
      r.ev.ingest(pos(ts, m >= 6 ? 'z-tank' : null, 2), ts);
      r.ev.tick(ts);
    }
    // cam-tank silent from 3 min: offline at 2 + 5 min; people in z-tank from 6 min → red at 7; back at 15
    expect(brief(r.out)).toEqual([
      ['cam-tank', 'red', true, 7],
      ['cam-tank', 'red', false, 15],
    ]);
    expect(r.out.find((c) => c.rule === 'video.unmonitored-work')!.message.zh).toBe('无监控作业：cam-tank 离线，区域内有 2 人作业');
  });

  it('declared producing: any camera or the positioning system dark is orange even with nobody in its zone', () => {
    const r = setup('producing');
    for (let m = 0; m <= 10; m++) {
      const ts = T0 + m * MIN;
      r.ev.ingest(beat('cam-tank', ts), ts);
      if (m < 2) r.ev.ingest(beat('cam-yard', ts), ts);
      if (m < 1) r.ev.ingest(pos(ts, null, 0), ts);
      r.ev.tick(ts);
    }
    expect(brief(r.out)).toEqual([
      ['uwb-1', 'orange', true, 5],
      ['cam-yard', 'orange', true, 6],
    ]);
  });
});

// DOMAIN.md §10 / rules/README.md `violation` (video.violation): a camera's catalogued violation
// raises at its own time with the catalogue's severity; repeats of a type at a camera within 5 min
// are one alarm whose value counts them; an unknown type is a generic violation; the snapshot
// and clip references ride in the evidence (http(s) only).
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../gateway/src/model/types.ts';
import { rig, S, MIN, T0, testAssets } from '../../../test/helpers/rules.ts';
import { VIOLATIONS } from '../violations.ts';
import type { Condition } from '../types.ts';

const assets = () =>
  testAssets({
    sites: [{ id: 's1', zones: [{ id: 'z-tank', maxPersons: 5, highRisk: true, restricted: false }], devices: [{ id: 'cam-1', kind: 'camera', zone: 'z-tank', intervalSeconds: 60 }, { id: 'cam-2', kind: 'camera', intervalSeconds: 60 }, { id: 'gas-01', kind: 'gas', intervalSeconds: 5 }] }],
  });
const ev = (device: string, ts: number, eventType: string, detail: Record<string, unknown> = {}): Frame => ({ type: 'event', transport: 'mqtt', enterprise: 'ent-a', site: 's1', device, ts, eventType, detail });
const brief = (out: Condition[]) => out.filter((c) => c.rule === 'video.violation').map((c) => [c.key.replace('video.violation|ent-a/s1/', ''), c.severity, c.active, (c.ts - T0) / S, c.value]);

describe('violation (video.violation) [DOMAIN.md §10]', () => {
  it('the catalogue has the 15 stable type ids of the contract, each with names and a severity', () => {
    expect(VIOLATIONS.map((v) => v.id)).toEqual(['helmet_missing', 'workwear_missing', 'off_post', 'sleeping_on_duty', 'phone_use', 'smoking', 'fire_smoke', 'hot_work', 'intrusion', 'guardian_missing', 'climbing', 'belt_crossing', 'vehicle_speeding', 'crowding', 'harness_missing']);
  });

  it('one alarm per camera and type with a count of repeats within 5 min; a new one after; unknown types generic; other devices nothing', () => {
    const r = rig({ packs: ['video'] }, assets());
    const snap = (n: number) => ({ snapshot: `https://nvr.example/snap/${n}.jpg`, clip: `https://nvr.example/clip/${n}.mp4` });
    r.ev.ingest(ev('cam-1', T0, 'helmet_missing', snap(1)), T0);
    r.ev.ingest(ev('cam-1', T0 + 60 * S, 'helmet_missing', snap(2)), T0 + 60 * S);
    r.ev.ingest(ev('cam-1', T0 + 90 * S, 'fire_smoke', { snapshot: 'javascript:alert(1)' }), T0 + 90 * S);
    r.ev.ingest(ev('cam-1', T0 + 4 * MIN, 'helmet_missing'), T0 + 4 * MIN);
    r.ev.ingest(ev('cam-2', T0 + 5 * MIN, 'forklift_no_light'), T0 + 5 * MIN);
    r.ev.ingest(ev('gas-01', T0 + 5 * MIN, 'helmet_missing'), T0 + 5 * MIN); // not a camera
    r.ev.tick(T0 + 10 * MIN);
    r.ev.ingest(ev('cam-1', T0 + 12 * MIN, 'helmet_missing'), T0 + 12 * MIN); // after the window: a new activation
    r.ev.tick(T0 + 20 * MIN);
    expect(brief(r.out)).toEqual([
      ['cam-1|helmet_missing', 'yellow', true, 0, 1],
      ['cam-1|helmet_missing', 'yellow', true, 60, 2],
      ['cam-1|fire_smoke', 'red', true, 90, 1],
      ['cam-1|helmet_missing', 'yellow', true, 240, 3],
      ['cam-2|forklift_no_light', 'yellow', true, 300, 1],
      ['cam-1|helmet_missing', 'yellow', false, 540, 3],
      ['cam-1|fire_smoke', 'red', false, 390, 1],
      ['cam-2|forklift_no_light', 'yellow', false, 600, 1],
      ['cam-1|helmet_missing', 'yellow', true, 720, 1],
      ['cam-1|helmet_missing', 'yellow', false, 1020, 1],
    ]);
    const out = r.out.filter((c) => c.rule === 'video.violation');
    expect(out[0].message).toEqual({ zh: 'AI视频识别违规：未戴安全帽', en: 'Video analytics violation: No hard hat' });
    expect(out[3].message.zh).toBe('AI视频识别违规：未戴安全帽（3 次）');
    expect(out[1].evidence).toEqual({ type: 'helmet_missing', name: { zh: '未戴安全帽', en: 'No hard hat' }, occurrences: 2, snapshot: 'https://nvr.example/snap/2.jpg', snapshots: ['https://nvr.example/snap/2.jpg', 'https://nvr.example/snap/1.jpg'], clip: 'https://nvr.example/clip/2.mp4' });
    // a reference a console must not load is dropped
    expect(out[2].evidence).toMatchObject({ snapshot: null, snapshots: [], clip: null });
    expect(out[4].message.zh).toBe('AI视频识别违规：其他违规行为（forklift_no_light）');
  });

  it('per-site severities and ignored types (overrides), and unknown types off', () => {
    const r = rig({ packs: ['video'], overrides: [{ enterprise: 'ent-a', rule: 'video.violation', params: { severities: { smoking: 'red' }, ignore: ['phone_use'], unknownSeverity: null } }] } as never, assets());
    r.ev.ingest(ev('cam-2', T0, 'smoking'), T0);
    r.ev.ingest(ev('cam-2', T0 + S, 'phone_use'), T0 + S);
    r.ev.ingest(ev('cam-2', T0 + 2 * S, 'forklift_no_light'), T0 + 2 * S);
    expect(brief(r.out)).toEqual([['cam-2|smoking', 'red', true, 0, 1]]);
  });

  it('an alarm open across a restart goes on counting and still clears 5 min after its last event', () => {
    const a = rig({ packs: ['video'] }, assets());
    a.ev.ingest(ev('cam-1', T0, 'climbing'), T0);
    const b = rig({ packs: ['video'] }, assets());
    b.ev.importState(JSON.parse(JSON.stringify(a.ev.exportState())));
    b.ev.ingest(ev('cam-1', T0 + MIN, 'climbing'), T0 + MIN);
    b.ev.tick(T0 + 10 * MIN);
    expect(brief(b.out)).toEqual([
      ['cam-1|climbing', 'orange', true, 60, 2],
      ['cam-1|climbing', 'orange', false, 360, 2],
    ]);
  });
});

// The camera and seal families (issue 17): heartbeats every interval, scripted events in the
// first sample at or after their time, nothing while a camera is dark (what happened then is lost).
import { describe, expect, it } from 'vitest';
import { CameraModel } from './camera-model.ts';
import { SealModel } from './seal-model.ts';

const M = 60_000;

describe('CameraModel', () => {
  it('a heartbeat each sample; violations with snapshot and clip references, repeated everyMs; nothing while silent', () => {
    const c = new CameraModel({ id: 'cam-1', intervalMs: M }).violation({ at: 2 * M, type: 'helmet_missing', times: 2, everyMs: 2 * M }).violation({ at: 5 * M, type: 'smoking' }).silent({ from: 5 * M, to: 6 * M });
    const s = [0, 1, 2, 3, 4, 5, 6].map((k) => c.sample(k * M));
    expect(s[0]).toEqual({ ts: 0, values: { online: 1, streams: 4 } });
    expect(s[2]?.events).toEqual([{ type: 'helmet_missing', detail: { snapshot: `https://nvr.example/cam-1/snap/${2 * M}.jpg`, clip: `https://nvr.example/cam-1/clip/${2 * M}.mp4` } }]);
    expect(s[3]?.events).toBeUndefined();
    expect(s[4]?.events?.map((e) => e.type)).toEqual(['helmet_missing']);
    expect(s[5]).toBeUndefined();
    expect(s[6]?.events).toBeUndefined(); // the smoking at 5 min was not seen: the camera was dark
  });
});

describe('SealModel', () => {
  it('reports closed 1/0 with every heartbeat; opened and closed events once; tamper events', () => {
    const m = new SealModel({ id: 'seal-1', intervalMs: M }).open({ at: M, to: 3 * M }).tamper({ at: 4 * M });
    const s = [0, 1, 2, 3, 4].map((k) => m.sample(k * M)!);
    expect(s.map((x) => x.values.closed)).toEqual([1, 0, 0, 1, 1]);
    expect(s.map((x) => x.events?.map((e) => e.type) ?? [])).toEqual([[], ['seal_opened'], [], ['seal_closed'], ['tamper']]);
  });
});

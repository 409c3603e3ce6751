import { describe, expect, it } from 'vitest';
import { liveContradiction } from './contradiction.ts';

const power = { idleKw: 40, productionKw: 900 };
const live = (kw: number[], belts: number[] = []) => ({ powerKw: kw.map((value, i) => ({ device: `m${i}`, value })), beltRunning: belts.map((value, i) => ({ device: `b${i}`, value })) });

describe('declared status against the live meters (issue 14, DOMAIN.md §6)', () => {
  it('producing is never a contradiction', () => {
    expect(liveContradiction('producing', power, live([900], [1]))).toBeNull();
  });
  it('stopped: power above idle + 30 % of the span (298 kW here) or a running belt', () => {
    expect(liveContradiction('stopped', power, live([298]))).toBeNull();
    const p = liveContradiction('stopped', power, live([120, 650]));
    expect(p).toMatchObject({ power: { device: 'm1', kw: 650, threshold: 298 }, belts: [] });
    expect(p!.zh).toBe('申报停产，但用电 650 kW 高于停产阈值 298 kW（疑似明停暗开）');
    const b = liveContradiction('rectifying', power, live([50], [0, 1]));
    expect(b).toMatchObject({ power: null, belts: ['b1'] });
    expect(b!.en).toBe('declared rectifying, but belt b1 running (possible secret operation)');
  });
  it('no power model: only the belts count', () => {
    expect(liveContradiction('stopped', null, live([5000]))).toBeNull();
    expect(liveContradiction('stopped', undefined, live([5000], [1]))?.belts).toEqual(['b0']);
  });
});

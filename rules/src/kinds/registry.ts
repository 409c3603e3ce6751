// The rule kinds, by the `kind` name a rule file uses (README.md lists their params).
import type { KindModule } from '../kind.ts';
import { counterBackwards } from './counter-backwards.ts';
import { cumulative } from './cumulative.ts';
import { displacementRate } from './displacement-rate.ts';
import { event } from './event.ts';
import { fakeOffline } from './fake-offline.ts';
import { flatline } from './flatline.ts';
import { occupancy } from './occupancy.ts';
import { offline } from './offline.ts';
import { overtime } from './overtime.ts';
import { powerWhileStopped } from './power-while-stopped.ts';
import { replay } from './replay.ts';
import { runningWhileStopped } from './running-while-stopped.ts';
import { tangentAngle } from './tangent-angle.ts';
import { threshold } from './threshold.ts';
import { violation } from './violation.ts';
import { seal } from './seal.ts';
import { unmonitored } from './unmonitored.ts';

const ALL: KindModule<any>[] = [
  threshold, tangentAngle, displacementRate, occupancy, overtime, cumulative, powerWhileStopped,
  runningWhileStopped, fakeOffline, offline, event, flatline, counterBackwards, replay, violation, seal, unmonitored,
];

export const KINDS: ReadonlyMap<string, KindModule<any>> = new Map(ALL.map((k) => [k.kind, k]));

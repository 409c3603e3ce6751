// `hazardline replay`: runs the rules over scripted (a scenario) or stored readings and reports
// the alarms they would raise, through the same evaluator and alarm manager as the gateway —
// so a safety engineer can tune a threshold (rules.overrides) before deploying it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ManualClock } from '../clock.ts';
import type { Config } from '../config/schema.ts';
import { createLogger } from '../log.ts';
import { AssetModel } from '../model/assets.ts';
import type { DeviceFrame, Reading } from '../model/types.ts';
import { openRecordStore } from '../records/record-store.ts';
import { createSink } from '../store/registry.ts';
import { createEvaluator } from '../../../rules/src/evaluator.ts';
import { AlarmManager } from './alarm-manager.ts';
import { DeclaredStatusBook, type Declaration } from './declared-status.ts';
import { formatLocal } from './local-time.ts';

export interface ReplayedTransition {
  ts: number;
  action: string;
  rule: string;
  severity: string;
  subject: string;
  message: string;
}

/** Frames in event order → alarm transitions (raise, escalate, clear, close). */
export async function replayFrames(config: Config, feed: (deliver: (f: DeviceFrame) => void) => Promise<void>, declarations: Declaration[] = []): Promise<ReplayedTransition[]> {
  const assets = AssetModel.fromConfig(config);
  const tz = config.gateway.timezone;
  const declared = new DeclaredStatusBook(assets, declarations);
  const evaluator = createEvaluator({ ...config.rules, tagTtlSeconds: config.positioning.tagTtlSeconds, env: { assets, timezone: tz, declaredStatusAt: (e: string, ts: number) => declared.at(e, ts) } });
  const dir = mkdtempSync(join(tmpdir(), 'hl-replay-'));
  const store = await openRecordStore('sqlite', { dataDir: dir });
  const clock = new ManualClock(0);
  const alarms = new AlarmManager({ store, rules: evaluator.rules, timezone: tz, clock, log: createLogger({ level: 'silent' }) });
  const out: ReplayedTransition[] = [];
  alarms.on('transition', ({ alarm: a, transition: t }) => {
    if (t.action === 'update') return;
    out.push({ ts: t.ts, action: t.action, rule: a.rule, severity: a.severity, subject: [a.enterprise, a.site, a.zone, a.device].filter(Boolean).join('/'), message: a.message });
  });
  evaluator.onCondition((c) => alarms.handle(c));
  let last = 0;
  try {
    await alarms.start();
    // event time is the only time here: each frame "arrives" at its own timestamp
    await feed((f) => {
      const ts = f.type === 'readings' ? f.readings[0]?.ts ?? last : f.ts;
      last = Math.max(last, ts);
      clock.set(last);
      evaluator.ingest(f, last);
      evaluator.tick(last);
    });
    await alarms.flush();
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

const KIND_METRICS: Record<string, string[]> = {
  gas: ['lel', 'ch4', 'co', 'h2s', 'nh3', 'cl2', 'o2'],
  slope: ['disp'],
  belt: ['running', 'tph', 'total_t'],
  power: ['kw', 'kwh'],
};

/** Stored readings of every configured device in [from, to], in event order (positions and events are not in the telemetry store). */
export async function storedFeed(config: Config, from: number, to: number): Promise<(deliver: (f: DeviceFrame) => void) => Promise<void>> {
  const sink = createSink(config.storage.telemetry, resolve(config.gateway.dataDir));
  await sink.open();
  const readings: Reading[] = [];
  try {
    for (const e of config.enterprises) {
      for (const s of e.sites) {
        for (const d of s.devices) {
          for (const metric of KIND_METRICS[d.kind] ?? []) {
            const points = await sink.query({ measurement: d.kind, enterprise: e.id, device: d.id, metric, from, to, limit: 10_000_000 });
            for (const [ts, value] of points) readings.push({ ts, enterprise: e.id, site: s.id, device: d.id, kind: d.kind, ...(d.zone ? { zone: d.zone } : {}), metric, value, quality: 'good' });
          }
        }
      }
    }
  } finally {
    await sink.close();
  }
  readings.sort((a, b) => a.ts - b.ts || (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
  return async (deliver) => {
    // one frame per device and instant, as a device reports them
    for (let i = 0; i < readings.length; ) {
      let j = i + 1;
      while (j < readings.length && readings[j].ts === readings[i].ts && readings[j].device === readings[i].device) j++;
      deliver({ type: 'readings', transport: 'mqtt', readings: readings.slice(i, j) });
      i = j;
    }
  };
}

export function formatTransitions(list: ReplayedTransition[], tz: string): string {
  const lines = list.map((t) => `${formatLocal(t.ts, tz)}  ${t.action.padEnd(8)} ${t.severity.padEnd(6)} ${t.rule.padEnd(28)} ${t.subject.padEnd(28)} ${t.message}`);
  const raises = list.filter((t) => t.action === 'raise').length;
  return `${lines.join('\n')}${lines.length ? '\n' : ''}${raises} alarm activation(s), ${list.length} transition(s)\n`;
}

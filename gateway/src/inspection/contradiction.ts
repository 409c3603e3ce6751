// What the meters show against what the enterprise declared, at once (issue 14): the board flags
// an enterprise declared stopped or rectifying whose latest power reading is above the orange
// threshold of the 明停暗开 rule (DOMAIN.md §6: idleKw + 30 % × (productionKw − idleKw)) or whose
// belt is running — before `power.secret-operation` fires, which waits 30 minutes to be sure.
import type { DeclaredStatus } from '../model/assets.ts';

export interface LiveContradiction {
  /** the meter and reading above the threshold, if any */
  power: { device: string; kw: number; threshold: number } | null;
  /** belts reporting running */
  belts: string[];
  zh: string;
  en: string;
}

export function liveContradiction(
  declared: DeclaredStatus,
  power: { idleKw: number; productionKw: number } | null | undefined,
  live: { powerKw: { device: string; value: number }[]; beltRunning: { device: string; value: number }[] },
): LiveContradiction | null {
  if (declared === 'producing') return null;
  let over: LiveContradiction['power'] = null;
  if (power) {
    const threshold = Math.round((power.idleKw + 0.3 * (power.productionKw - power.idleKw)) * 10) / 10;
    const top = [...live.powerKw].sort((a, b) => b.value - a.value)[0];
    if (top && top.value > threshold) over = { device: top.device, kw: top.value, threshold };
  }
  const belts = live.beltRunning.filter((b) => b.value >= 1).map((b) => b.device);
  if (!over && belts.length === 0) return null;
  const said = declared === 'stopped' ? '停产' : '停产整顿';
  const saidEn = declared === 'stopped' ? 'stopped' : 'rectifying';
  const zh = [over ? `用电 ${over.kw} kW 高于停产阈值 ${over.threshold} kW` : '', belts.length ? `皮带 ${belts.join('、')} 运行中` : ''].filter(Boolean).join('，');
  const en = [over ? `power ${over.kw} kW above the stopped threshold ${over.threshold} kW` : '', belts.length ? `belt ${belts.join(', ')} running` : ''].filter(Boolean).join('; ');
  return { power: over, belts, zh: `申报${said}，但${zh}（疑似明停暗开）`, en: `declared ${saidEn}, but ${en} (possible secret operation)` };
}

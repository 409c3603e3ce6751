// Times as a Chinese control room reads them: local (Asia/Shanghai) 24-hour, and time left with units.
import type { Lang } from './i18n.ts';

const TZ = 'Asia/Shanghai';

export const fmtTime = (t: string | number | null | undefined, lang: Lang): string =>
  t === null || t === undefined ? '—' : new Date(t).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: TZ, hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });

export const fmtDate = (t: string | number | null | undefined, lang: Lang): string =>
  t === null || t === undefined ? '—' : new Date(t).toLocaleDateString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: TZ });

/** "剩余 2天3小时" / "逾期 5小时12分"; minutes under a day, days and hours beyond */
export function timeLeft(due: string | number, now: number, lang: Lang): { text: string; late: boolean } {
  const ms = (typeof due === 'number' ? due : Date.parse(due)) - now;
  const late = ms < 0;
  const abs = Math.abs(ms);
  const d = Math.floor(abs / 86_400_000);
  const h = Math.floor((abs % 86_400_000) / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const span = lang === 'zh' ? (d > 0 ? `${d}天${h}小时` : `${h}小时${m}分`) : d > 0 ? `${d} d ${h} h` : `${h} h ${m} min`;
  return { text: lang === 'zh' ? `${late ? '逾期' : '剩余'} ${span}` : late ? `${span} overdue` : `${span} left`, late };
}

/** a <input type="datetime-local"> value for a time in the site's zone */
export function localInput(t: number): string {
  return new Date(t + 8 * 3_600_000).toISOString().slice(0, 16);
}

/** the epoch ms of a <input type="datetime-local"> value read in the site's zone (+08:00) */
export function fromLocalInput(v: string): number {
  return Date.parse(`${v}:00+08:00`);
}

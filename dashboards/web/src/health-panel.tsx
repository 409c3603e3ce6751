// 报警健康 — the alarm system's health as ISA-18.2 / EEMUA 191 measure it (DOMAIN.md §8): alarms
// per 10 minutes over the last 24 h (target about 1 per operator), floods (≥ 10 in 10 min),
// chattering (≥ 3 activations of one alarm in 1 min), stale alarms (active > 24 h) and the
// priority mix. Refreshed every minute from GET /api/v1/alarms/health.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { get } from './api.ts';
import { SEVERITY, type Lang } from './i18n.ts';
import { timeAxis } from './trend.tsx';

const L = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en);

interface Health {
  per10Min: number;
  last10Min: number;
  activations: number;
  series: [number, number][];
  floods: { start: string; activations: number }[];
  chattering: { alarmId: string; rule: string; subject: string; activations: number }[];
  stale: { alarmId: string; rule: string; subject: string; activeHours: number }[];
  priorityMix: Record<string, number>;
  open: number;
}

function RateChart({ series, lang }: { series: [number, number][]; lang: Lang }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const xs = series.map(([t]) => t / 1000);
    const plot = new uPlot(
      {
        width: el.current.clientWidth || 400,
        height: 120,
        legend: { show: false },
        series: [{}, { label: L(lang, '每10分钟报警数', 'alarms per 10 min'), stroke: '#79c0ff', fill: 'rgba(121,192,255,0.35)', paths: uPlot.paths.bars!({ size: [0.9, 40] }) }, { stroke: '#f85149', dash: [4, 4], width: 1 }],
        axes: [timeAxis(), { stroke: '#8b949e', size: 36 }],
        scales: { y: { range: (_u, _min, max) => [0, Math.max(12, max)] } },
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Asia/Shanghai'),
      },
      // the flood line: 10 alarms in 10 minutes
      [xs, series.map(([, n]) => n), xs.map(() => 10)],
      el.current,
    );
    return () => plot.destroy();
  }, [series, lang]);
  return <div ref={el} />;
}

/** `raises`: activations pushed so far; a change reloads the figures (at most every 2 s), besides the minute's refresh */
export function HealthPanel({ token, lang, raises }: { token: string; lang: Lang; raises: number }) {
  const [h, setH] = useState<Health | null>(null);
  const load = () => get<Health>('/api/v1/alarms/health?hours=24', token).then(setH, () => {});
  useEffect(() => {
    const timer = setInterval(load, 60_000);
    return () => clearInterval(timer);
  }, [token]);
  useEffect(() => {
    const timer = setTimeout(load, raises === 0 ? 0 : 2000);
    return () => clearTimeout(timer);
  }, [token, raises]);
  if (!h) return null;
  const figure = (testid: string, label: string, value: string | number, bad: boolean) => (
    <div class={`figure${bad ? ' bad' : ''}`} data-testid={testid}>
      <b>{value}</b>
      <small>{label}</small>
    </div>
  );
  return (
    <section class="health" data-testid="alarm-health">
      <h2>{L(lang, '报警健康（ISA-18.2）', 'Alarm health (ISA-18.2)')}</h2>
      <div class="figures">
        {figure('last10', L(lang, '近10分钟', 'last 10 min'), h.last10Min, h.last10Min >= 10)}
        {figure('per10', L(lang, '平均每10分钟', 'mean per 10 min'), h.per10Min, h.per10Min > 2)}
        {figure('floods', L(lang, '报警洪流', 'floods'), h.floods.length, h.floods.length > 0)}
        {figure('chattering', L(lang, '振荡报警', 'chattering'), h.chattering.length, h.chattering.length > 0)}
        {figure('stale', L(lang, '陈旧报警', 'stale'), h.stale.length, h.stale.length > 0)}
      </div>
      <RateChart series={h.series} lang={lang} />
      <p class="mix">
        {L(lang, '优先级分布', 'Priority mix')}:{' '}
        {(['red', 'orange', 'yellow', 'blue'] as const).map((s) => (
          <span key={s} class={`mix-${s}`}>{SEVERITY[s][lang]} {Math.round((h.priorityMix[s] ?? 0) * 100)}% </span>
        ))}
      </p>
      {h.chattering.length > 0 && (
        <ul class="chattering">
          {h.chattering.slice(0, 5).map((c) => <li key={c.alarmId}>{L(lang, '振荡', 'chattering')}: {c.rule} · {c.subject} ×{c.activations}</li>)}
        </ul>
      )}
    </section>
  );
}

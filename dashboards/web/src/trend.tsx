// The trend of the selected alarm's metric around the alarm, with its threshold drawn (uPlot:
// small and fast on long series — a wall screen redraws it without stutter).
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { AlarmJson } from './api.ts';
import type { Lang } from './i18n.ts';

export function Trend({ alarm, token, lang }: { alarm: AlarmJson & { metric?: string | null; threshold?: number | null }; token: string; lang: Lang }) {
  const el = useRef<HTMLDivElement>(null);
  const [points, setPoints] = useState<number[][] | null>(null);
  const [unit, setUnit] = useState('');
  const [window, setWindow] = useState<[number, number]>([0, 0]);
  useEffect(() => {
    if (!alarm.device || !alarm.metric) return;
    const at = Date.parse(alarm.raisedAt);
    const from = at - 30 * 60_000;
    const to = Math.max(Date.now(), at + 30 * 60_000);
    setWindow([from, to]);
    const q = new URLSearchParams({ device: alarm.device, enterprise: alarm.enterprise, metric: alarm.metric, from: String(from), to: String(to) });
    void fetch(`/api/v1/readings?${q}`, { headers: { authorization: `Bearer ${token}` } })
      .then((r) => r.json())
      .then((j) => {
        setUnit(j.unit ?? '');
        setPoints(j.points ?? []);
      });
  }, [alarm.id, alarm.raisedAt, alarm.device, alarm.metric, token]);
  useEffect(() => {
    if (!el.current || !points) return;
    const xs = points.map((p) => p[0] / 1000);
    const ys = points.map((p) => p[1]);
    const th = alarm.threshold ?? null;
    const plot = new uPlot(
      {
        width: el.current.clientWidth || 800,
        height: 220,
        series: [{}, { label: `${alarm.metric} (${unit})`, stroke: '#ff6b63', width: 2 }, ...(th !== null ? [{ label: lang === 'zh' ? '报警阈值' : 'threshold', stroke: '#e3b341', dash: [6, 4] }] : [])],
        axes: [{ stroke: '#8b949e' }, { stroke: '#8b949e' }],
        // the hour around the alarm, whatever the number of points
        scales: { x: { time: true, range: () => [window[0] / 1000, window[1] / 1000] } },
        // local time of the site (Asia/Shanghai), whatever the browser's zone
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Asia/Shanghai'),
      },
      [xs, ys, ...(th !== null ? [xs.map(() => th)] : [])] as uPlot.AlignedData,
      el.current,
    );
    return () => plot.destroy();
  }, [points, alarm.threshold, alarm.metric, unit, lang, window]);
  if (!alarm.device || !alarm.metric) return null;
  return (
    <section class="trend" data-testid="trend">
      <h3>{alarm.device} · {alarm.metric} {lang === 'zh' ? '趋势' : 'trend'} <small>{[alarm.enterprise, alarm.site, alarm.zone].filter(Boolean).join(' / ')}</small></h3>
      <div ref={el} />
      {points && points.length === 0 && <p class="empty">{lang === 'zh' ? '暂无数据' : 'no data'}</p>}
    </section>
  );
}

// The readings behind an alarm, in the hour around it, with its threshold drawn (uPlot: small and
// fast on long series — a wall screen redraws it without stutter). The dispatcher sees the trend of
// the selected alarm's metric; the regulator sees the evidence of a finding (the main meter's kW
// behind 明停暗开, the zone's head-count behind 超员, the belt's throughput).
import type { Names } from './names.ts';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { get, type AlarmJson, type EvidenceSeries } from './api.ts';
import type { Lang } from './i18n.ts';

/** The series an alarm is judged on: named by the rule (evidence.series), else its device's metric or its zone's head-count. */
export function evidenceOf(a: AlarmJson): EvidenceSeries[] {
  if (a.evidence?.series?.length) return a.evidence.series;
  if (a.device && a.metric) return [{ site: a.site, device: a.device, metric: a.metric, threshold: true }];
  if (a.zone && !a.device && a.rule.startsWith('personnel.')) return [{ site: a.site, zone: a.zone, metric: 'persons', threshold: true }];
  return [];
}

const HHMM = new Intl.DateTimeFormat('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' });
/** a time axis in the site's local 24-hour time (Asia/Shanghai), as control rooms read it */
export const timeAxis = (): uPlot.Axis => ({ stroke: '#8b949e', values: (_u, splits) => splits.map((s) => HHMM.format(s * 1000)) });

interface Readings {
  unit: string;
  points: [number, number][];
}

function Chart({ alarm, series, token, lang }: { alarm: AlarmJson; series: EvidenceSeries; token: string; lang: Lang }) {
  const el = useRef<HTMLDivElement>(null);
  const [data, setData] = useState<Readings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const at = Date.parse(alarm.raisedAt);
  const from = at - 30 * 60_000;
  // from 30 min before the alarm to now (at least 30 min after it, at most 6 h: a night's secret run fits)
  const to = Math.max(at + 30 * 60_000, Math.min(Date.now(), at + 6 * 3_600_000));
  useEffect(() => {
    const q = new URLSearchParams({ enterprise: alarm.enterprise, metric: series.metric, from: String(from), to: String(to) });
    if (series.device) q.set('device', series.device);
    else if (series.zone) q.set('zone', series.zone);
    if (series.zone && series.site) q.set('site', series.site);
    get<Readings>(`/api/v1/readings?${q}`, token).then(setData, (err: Error) => setError(err.message));
  }, [alarm.id, alarm.raisedAt, series.device, series.zone, series.metric, token]);
  const th = series.threshold ? (alarm.threshold ?? null) : null;
  useEffect(() => {
    if (!el.current || !data) return;
    // the window's edges are x values too, so the threshold line spans the whole hour
    const xs = [from / 1000, ...data.points.map((p) => p[0] / 1000), to / 1000];
    const ys = [null, ...data.points.map((p) => p[1]), null];
    const plot = new uPlot(
      {
        width: el.current.clientWidth || 800,
        height: 200,
        series: [{}, { label: `${series.metric} (${data.unit})`, stroke: '#ff6b63', width: 2 }, ...(th !== null ? [{ label: lang === 'zh' ? '报警阈值' : 'threshold', stroke: '#e3b341', dash: [6, 4] }] : [])],
        axes: [timeAxis(), { stroke: '#8b949e' }],
        // the hour around the alarm, whatever the number of points
        scales: { x: { time: true, range: () => [from / 1000, to / 1000] } },
        // local time of the site (Asia/Shanghai), whatever the browser's zone
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Asia/Shanghai'),
      },
      [xs, ys, ...(th !== null ? [xs.map(() => th)] : [])] as uPlot.AlignedData,
      el.current,
    );
    return () => plot.destroy();
  }, [data, th, series.metric, lang]);
  return (
    <div class="chart" data-series={`${series.device ?? series.zone}:${series.metric}`}>
      <h4>{series.device ?? series.zone} · {series.metric}</h4>
      <div ref={el} />
      {error && <p class="error">{error}</p>}
      {data && data.points.length === 0 && <p class="empty">{lang === 'zh' ? '暂无数据' : 'no data'}</p>}
    </div>
  );
}

export function Trend({ alarm, token, lang, title, names }: { alarm: AlarmJson; token: string; lang: Lang; title?: string; names?: Names }) {
  const series = evidenceOf(alarm);
  if (series.length === 0) return null;
  return (
    <section class="trend" data-testid="trend">
      <h3>
        {title ?? (lang === 'zh' ? '趋势' : 'Trend')} <small>{names ? names.place(alarm, lang) : [alarm.enterprise, alarm.site, alarm.zone, alarm.device].filter(Boolean).join(' / ')}</small>
      </h3>
      {series.map((s) => <Chart key={`${s.device ?? s.zone}:${s.metric}`} alarm={alarm} series={s} token={token} lang={lang} />)}
    </section>
  );
}

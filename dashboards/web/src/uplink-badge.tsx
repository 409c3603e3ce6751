// The link to the central platform, on an edge box's dispatcher console (issue 7): connected or
// not, readings waiting in the forward queue and the age of the oldest, what the full queue
// dropped; on a central gateway, each edge and how far behind it is (数据延迟). Polled every 5 s.
import { useEffect, useState } from 'preact/hooks';
import { get } from './api.ts';
import type { Lang } from './i18n.ts';

const L = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en);

interface EdgeStatus {
  mode: 'edge';
  connected: boolean;
  lastError: string | null;
  queue: { readings: number; priorityRows: number; oldestAgeSeconds: number; droppedReadings: number };
}
interface CentralStatus {
  mode: 'central';
  edges: { id: string; connected: boolean; behindSeconds: number; behind: { zh: string; en: string } }[];
}

export function age(s: number, lang: Lang): string {
  if (s < 120) return L(lang, `${Math.round(s)} 秒`, `${Math.round(s)} s`);
  if (s < 7200) return L(lang, `${Math.round(s / 60)} 分钟`, `${Math.round(s / 60)} min`);
  return L(lang, `${(s / 3600).toFixed(1)} 小时`, `${(s / 3600).toFixed(1)} h`);
}

export function UplinkBadge({ token, lang }: { token: string; lang: Lang }) {
  const [st, setSt] = useState<EdgeStatus | CentralStatus | { mode: 'standalone' } | null>(null);
  useEffect(() => {
    const load = () => get<EdgeStatus | CentralStatus>('/api/v1/uplink', token).then(setSt, () => {});
    void load();
    const timer = setInterval(load, 5000);
    return () => clearInterval(timer);
  }, [token]);
  if (!st || st.mode === 'standalone') return null;
  if (st.mode === 'edge') {
    const q = st.queue;
    const waiting = q.readings + q.priorityRows;
    return (
      <span class={`uplink ${st.connected ? 'live' : 'down'}`} data-testid="uplink" title={st.lastError ?? ''}>
        {L(lang, '上级平台', 'Central')}: {st.connected ? L(lang, '在线', 'connected') : L(lang, '中断（本地继续运行，数据缓存待传）', 'down (running locally, queueing)')}
        {waiting > 0 ? ` · ${L(lang, '待上传', 'queued')} ${q.readings.toLocaleString()} ${L(lang, '条', 'readings')} · ${L(lang, '最早', 'oldest')} ${age(q.oldestAgeSeconds, lang)}` : ''}
        {q.droppedReadings > 0 ? ` · ${L(lang, '已丢弃', 'dropped')} ${q.droppedReadings.toLocaleString()}` : ''}
      </span>
    );
  }
  return (
    <span class="uplink" data-testid="uplink">
      {st.edges.map((e) => (
        <span key={e.id} class={e.connected && e.behindSeconds < 300 ? 'live' : 'down'}>
          {L(lang, '边缘网关', 'Edge')} {e.id}: {e.connected ? L(lang, '在线', 'connected') : L(lang, '离线', 'offline')} · {L(lang, '数据延迟', 'behind')} {e.behind[lang]}{' '}
        </span>
      ))}
    </span>
  );
}

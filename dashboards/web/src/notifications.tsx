// 通知记录 (issue 15): who was told about this alarm or hazard, how, when, and whether it arrived —
// shown beside the alarm on the dispatcher's board and on the hazard's page.
import { useEffect, useState } from 'preact/hooks';
import { get } from './api.ts';
import { fmtTime } from './format.ts';
import { L, type Lang } from './i18n.ts';

interface Row {
  id: string;
  step: number;
  personName: string;
  channel: 'email' | 'sms' | 'voice';
  address: string;
  status: 'queued' | 'retrying' | 'delivered' | 'failed' | 'dropped';
  attempts: number;
  queuedAt: string;
  deliveredAt: string | null;
  lastError: string | null;
}

const CHANNEL: Record<Row['channel'], [string, string]> = { email: ['邮件', 'email'], sms: ['短信', 'SMS'], voice: ['语音', 'voice'] };
const STATUS: Record<Row['status'], [string, string]> = { queued: ['排队中', 'queued'], retrying: ['重试中', 'retrying'], delivered: ['已送达', 'delivered'], failed: ['失败', 'failed'], dropped: ['已丢弃', 'dropped'] };

export function Notifications({ kind, id, token, lang, refresh = 0 }: { kind: 'alarm' | 'hazard'; id: string; token: string; lang: Lang; refresh?: number }) {
  const [list, setList] = useState<Row[] | null>(null);
  useEffect(() => {
    let live = true;
    const load = () => get<{ notifications: Row[] }>(`/api/v1/notifications?${kind}=${encodeURIComponent(id)}`, token).then((r) => live && setList(r.notifications), () => live && setList([]));
    void load();
    // deliveries settle after the page opens: look again while any is under way
    const timer = setInterval(() => void load(), 10_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [kind, id, token, refresh]);
  if (!list) return null;
  const w = (pair: [string, string]) => pair[lang === 'zh' ? 0 : 1];
  return (
    <section class="notifications" data-testid="notifications">
      <h3>{L(lang, '通知记录', 'Who was notified')}</h3>
      {list.length === 0 ? (
        <p class="empty">{L(lang, '未通知任何人', 'Nobody was notified')}</p>
      ) : (
        <table class="grid">
          <thead><tr><th>{L(lang, '人员', 'Person')}</th><th>{L(lang, '方式', 'How')}</th><th>{L(lang, '时间', 'When')}</th><th>{L(lang, '结果', 'Result')}</th></tr></thead>
          <tbody>
            {list.map((n) => (
              <tr key={n.id} data-notification={n.id}>
                <td>{n.personName}{n.step > 0 && <small> · {L(lang, `升级第${n.step}级`, `escalation ${n.step}`)}</small>}</td>
                <td>{w(CHANNEL[n.channel])} <small>{n.address}</small></td>
                <td>{fmtTime(n.deliveredAt ?? n.queuedAt, lang)}</td>
                <td class={n.status}>{w(STATUS[n.status])}{n.attempts > 1 && <small> ×{n.attempts}</small>}{n.lastError && n.status !== 'delivered' && <small title={n.lastError}> {n.lastError.slice(0, 40)}</small>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

// 公示 — the public notice of closed hazards (CONTRACT §8): measures and rewards, reporters masked.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { hazardState, type Lang } from './i18n.ts';

interface Notice { id: string; enterprise: string; title: string; level: string; state: string; measures?: string; closedAt?: number; reporter?: string; rewardAmount?: number }

function Page() {
  const [lang, setLang] = useState<Lang>('zh');
  const [list, setList] = useState<Notice[] | null>(null);
  useEffect(() => {
    void fetch('/api/v1/public/hazards').then((r) => r.json()).then((j) => setList(j.hazards));
  }, []);
  return (
    <main>
      <button class="lang" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>{lang === 'zh' ? 'English' : '中文'}</button>
      <h1>{lang === 'zh' ? '隐患治理公示' : 'Public notice of closed hazards'}</h1>
      <ul class="notice">
        {(list ?? []).map((n) => (
          <li key={n.id} data-hazard={n.id}>
            <strong>{n.title}</strong> {n.level === 'major' && <span class="error">{lang === 'zh' ? '重大隐患' : 'major'}</span>}
            <div class="muted">{n.enterprise} · {hazardState(n.state, lang)}{n.closedAt ? ` · ${new Date(n.closedAt).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' })}` : ''}</div>
            {n.measures && <div>{lang === 'zh' ? '整改措施' : 'Measures'}: {n.measures}</div>}
            {n.reporter && <div class="muted">{lang === 'zh' ? '上报人' : 'Reported by'}: {n.reporter}{n.rewardAmount ? ` · ${lang === 'zh' ? '奖励' : 'reward'} ${n.rewardAmount} ${lang === 'zh' ? '元' : 'yuan'}` : ''}</div>}
          </li>
        ))}
      </ul>
      {list && list.length === 0 && <p class="muted">{lang === 'zh' ? '暂无公示' : 'Nothing published yet'}</p>}
    </main>
  );
}

render(<Page />, document.getElementById('app')!);

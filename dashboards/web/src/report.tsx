// 安全举手 — the worker's report page (issue 6): report a hazard (text, zone, photo, anonymous or
// named), get a report code, and follow its status and reward by that code without logging in.
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { sessionToken } from './api.ts';
import { hazardState, type Lang } from './i18n.ts';

const T = {
  title: { zh: '安全举手 · 隐患上报', en: 'Report a hazard' },
  enterprise: { zh: '企业编号', en: 'Enterprise' },
  zone: { zh: '地点 / 区域', en: 'Place / zone' },
  what: { zh: '隐患简述', en: 'What is wrong' },
  detail: { zh: '详细描述', en: 'Details' },
  photo: { zh: '照片（可选）', en: 'Photo (optional)' },
  anonymous: { zh: '匿名上报', en: 'Report anonymously' },
  name: { zh: '姓名', en: 'Name' },
  phone: { zh: '电话', en: 'Phone' },
  send: { zh: '提交', en: 'Send' },
  sent: { zh: '已受理，请保存查询码：', en: 'Received. Keep your report code:' },
  follow: { zh: '凭查询码查看进度', en: 'Follow your report' },
  code: { zh: '查询码', en: 'Report code' },
  look: { zh: '查询', en: 'Look up' },
  reward: { zh: '奖励', en: 'Reward' },
  yuan: { zh: '元', en: 'yuan' },
  noToken: { zh: '请使用班组发放的上报链接打开本页（含令牌）。', en: 'Open this page with the link your team gave you (it carries a token).' },
};
type K = keyof typeof T;

function Page() {
  const [lang, setLang] = useState<Lang>('zh');
  const tr = (k: K) => T[k][lang];
  const token = sessionToken();
  const params = new URLSearchParams(location.search);
  const [form, setForm] = useState({ enterprise: params.get('enterprise') ?? '', zone: '', title: '', description: '', anonymous: false, name: '', phone: '' });
  const [photo, setPhoto] = useState<File | null>(null);
  const [code, setCode] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [lookup, setLookup] = useState('');
  const [status, setStatus] = useState<any>(null);
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).type === 'checkbox' ? (e.target as HTMLInputElement).checked : (e.target as HTMLInputElement).value });

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const body = { enterprise: form.enterprise, zone: form.zone || undefined, title: form.title, description: form.description, anonymous: form.anonymous, reporter: form.anonymous ? undefined : { name: form.name || undefined, phone: form.phone || undefined } };
      const post = (b: typeof body) => fetch('/api/v1/hazards', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(b) });
      let res = await post(body);
      let json = await res.json();
      // the place is typed, not picked: one the gateway does not know as a zone goes into the description
      if (res.status === 400 && json.error?.field === 'zone' && form.zone) {
        res = await post({ ...body, zone: undefined, description: `${lang === 'zh' ? '地点' : 'Place'}: ${form.zone}${form.description ? `\n${form.description}` : ''}` });
        json = await res.json();
      }
      if (!res.ok) throw new Error(json.error?.message ?? `HTTP ${res.status}`);
      if (photo) {
        const up = await fetch(`/api/v1/hazards/${json.hazard.id}/photos`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': photo.type || 'application/octet-stream' }, body: photo });
        if (!up.ok) throw new Error((await up.json()).error?.message ?? `HTTP ${up.status}`);
      }
      setCode(json.reportCode);
      setLookup(json.reportCode);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const follow = async (e: Event) => {
    e.preventDefault();
    const res = await fetch(`/api/v1/hazards/by-code/${encodeURIComponent(lookup.trim())}`);
    setStatus(res.ok ? await res.json() : { error: (await res.json()).error?.message });
  };

  return (
    <main>
      <button class="lang" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>{lang === 'zh' ? 'English' : '中文'}</button>
      <h1>{tr('title')}</h1>
      {!token && <p class="error">{tr('noToken')}</p>}
      {token && !code && (
        <form onSubmit={submit}>
          <label>{tr('enterprise')}<input name="enterprise" value={form.enterprise} onInput={set('enterprise')} required /></label>
          <label>{tr('zone')}<input name="zone" value={form.zone} onInput={set('zone')} /></label>
          <label>{tr('what')}<input name="title" value={form.title} onInput={set('title')} required maxLength={200} /></label>
          <label>{tr('detail')}<textarea name="description" rows={4} value={form.description} onInput={set('description')} /></label>
          <label>{tr('photo')}<input name="photo" type="file" accept="image/jpeg,image/png,image/webp" capture="environment" onChange={(e) => setPhoto((e.target as HTMLInputElement).files?.[0] ?? null)} /></label>
          <label class="check"><input name="anonymous" type="checkbox" checked={form.anonymous} onChange={set('anonymous')} />{tr('anonymous')}</label>
          {!form.anonymous && <label>{tr('name')}<input name="name" value={form.name} onInput={set('name')} /></label>}
          {!form.anonymous && <label>{tr('phone')}<input name="phone" type="tel" value={form.phone} onInput={set('phone')} /></label>}
          {error && <p class="error" role="alert">{error}</p>}
          <button type="submit">{tr('send')}</button>
        </form>
      )}
      {code && <section><p>{tr('sent')}</p><p class="code" data-testid="report-code">{code}</p></section>}
      <form onSubmit={follow}>
        <h2>{tr('follow')}</h2>
        <label>{tr('code')}<input name="code" value={lookup} onInput={(e) => setLookup((e.target as HTMLInputElement).value)} required /></label>
        <button type="submit">{tr('look')}</button>
        {status && (status.error ? <p class="error">{status.error}</p> : (
          <div data-testid="status">
            <p><strong>{status.title}</strong> — <span data-testid="state">{hazardState(status.state, lang)}</span></p>
            {status.feedback?.rejectReason && <p class="muted">{status.feedback.rejectReason}</p>}
            {status.reward && <p data-testid="reward">{tr('reward')}: {status.reward.amount} {tr('yuan')}</p>}
          </div>
        ))}
      </form>
    </main>
  );
}

render(<Page />, document.getElementById('app')!);

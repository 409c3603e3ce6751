// 企业端 · 隐患台账 — the enterprise safety officer's workbench (issue 14): the hazard ledger with a
// hazard's page beside it (every step of 隐患上报—现场核查—限期整改—结果反馈—奖励兑现—公示备案 from
// the page), entering a report that came by phone, chat group or in person on a worker's behalf
// or a self-inspection finding (自查), declaring the enterprise's status (生产/停产/整改) with its
// history, and the reward ledger. Hazard events pushed over the WebSocket refresh the ledger.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get, liveStream, post, sessionToken } from './api.ts';
import { fmtTime, fromLocalInput, localInput } from './format.ts';
import { HazardDetail, uploadPhoto } from './hazard-detail.tsx';
import { HazardLedger } from './hazard-ledger.tsx';
import { DECLARED, HAZARD_CATEGORY, HAZARD_LEVEL, L, REPORT_CHANNEL, ROLE, word, type Lang } from './i18n.ts';
import { useLang } from './lang-switch.tsx';
import { Overview } from './overview.tsx';
import { useMe, useNames, type Names } from './names.ts';
import { AccidentReport } from './field-desk.tsx';
import { SanweiDesk } from './sanwei-desk.tsx';

type Tab = 'ledger' | 'new' | 'status' | 'accident' | 'sanwei' | 'rewards' | 'overview';

function NewReport({ token, lang, names, onCreated }: { token: string; lang: Lang; names: Names; onCreated: (id: string, code?: string) => void }) {
  const ents = names.tree;
  const [v, setV] = useState<Record<string, any>>({ kind: 'worker', channel: 'phone', anonymous: false, level: 'general', category: 'static' });
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const enterprise = v.enterprise ?? ents[0]?.id ?? '';
  const ent = ents.find((e) => e.id === enterprise);
  const site = ent?.sites.find((s) => s.id === (v.site ?? ent?.sites[0]?.id));
  const set = (k: string) => (e: Event) => {
    const t = e.target as HTMLInputElement;
    setV({ ...v, [k]: t.type === 'checkbox' ? t.checked : t.value, ...(k === 'site' ? { zone: '', device: '' } : {}) });
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const worker = v.kind === 'worker';
      const body = {
        enterprise,
        source: worker ? 'worker' : 'self',
        site: site?.id ?? null,
        zone: v.zone || null,
        device: v.device || null,
        title: (v.title ?? '').trim(),
        description: (v.description ?? '').trim() || undefined,
        level: v.level,
        category: v.category,
        ...(worker ? { channel: v.channel, anonymous: !!v.anonymous, ...(!v.anonymous && (v.name || v.phone) ? { reporter: { name: v.name || undefined, phone: v.phone || undefined } } : {}) } : {}),
      };
      const r = await post<{ hazard: { id: string }; reportCode?: string }>('/api/v1/hazards', token, body);
      for (const f of files) await uploadPhoto(r.hazard.id, token, f);
      onCreated(r.hazard.id, r.reportCode);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="panel new-report" onSubmit={(e) => void submit(e)}>
      <h2>{L(lang, '登记隐患', 'Enter a hazard')}</h2>
      <div class="radio">
        <label><input type="radio" name="kind" value="worker" checked={v.kind === 'worker'} onChange={set('kind')} /> {L(lang, '代录职工举报（电话、工作群、当面）', "A worker's report (phone, chat, in person)")}</label>
        <label><input type="radio" name="kind" value="self" checked={v.kind === 'self'} onChange={set('kind')} /> {L(lang, '企业自查发现', 'Our own self-inspection finding')}</label>
      </div>
      {v.kind === 'worker' && (
        <fieldset>
          <label>{L(lang, '举报渠道', 'Channel')} <select name="channel" value={v.channel} onChange={set('channel')}>{['phone', 'chat', 'in-person'].map((c) => <option key={c} value={c}>{word(REPORT_CHANNEL, c, lang)}</option>)}</select></label>
          <label class="check"><input type="checkbox" name="anonymous" checked={!!v.anonymous} onChange={set('anonymous')} /> {L(lang, '匿名（不记录举报人身份）', 'Anonymous (no identity kept)')}</label>
          {!v.anonymous && (
            <>
              <label>{L(lang, '举报人姓名', "Reporter's name")} <input name="name" value={v.name ?? ''} onInput={set('name')} /></label>
              <label>{L(lang, '联系电话', 'Phone')} <input name="phone" value={v.phone ?? ''} onInput={set('phone')} /></label>
              <small class="hint">{L(lang, '举报人身份仅受理人和监管可见，公示中只显示姓氏。', "Only the accepting officer and regulators see who reported; the public notice shows one character.")}</small>
            </>
          )}
        </fieldset>
      )}
      {ents.length > 1 && <label>{L(lang, '企业', 'Enterprise')} <select name="enterprise" value={enterprise} onChange={set('enterprise')}>{ents.map((e) => <option key={e.id} value={e.id}>{e.name ?? e.id}</option>)}</select></label>}
      <label>{L(lang, '场所', 'Site')} <select name="site" value={site?.id ?? ''} onChange={set('site')}>{ent?.sites.map((s) => <option key={s.id} value={s.id}>{s.name ?? s.id}</option>)}</select></label>
      <label>{L(lang, '区域', 'Zone')} <select name="zone" value={v.zone ?? ''} onChange={set('zone')}><option value="">—</option>{site?.zones.map((z) => <option key={z.id} value={z.id}>{z.name ?? z.id}</option>)}</select></label>
      <label>{L(lang, '设备', 'Device')} <select name="device" value={v.device ?? ''} onChange={set('device')}><option value="">—</option>{site?.devices.map((d) => <option key={d.id} value={d.id}>{names.device(enterprise, site.id, d.id, lang)}</option>)}</select></label>
      <label><span>{L(lang, '隐患简述', 'Title')}<b class="req">*</b></span> <input name="title" value={v.title ?? ''} onInput={set('title')} required maxLength={200} /></label>
      <label>{L(lang, '详细描述', 'Description')} <textarea name="description" rows={3} value={v.description ?? ''} onInput={set('description')} /></label>
      <label>{L(lang, '等级', 'Level')} <select name="level" value={v.level} onChange={set('level')}>{Object.keys(HAZARD_LEVEL).map((k) => <option key={k} value={k}>{word(HAZARD_LEVEL, k, lang)}</option>)}</select></label>
      <label>{L(lang, '类别', 'Category')} <select name="category" value={v.category} onChange={set('category')}>{Object.keys(HAZARD_CATEGORY).map((k) => <option key={k} value={k}>{word(HAZARD_CATEGORY, k, lang)}</option>)}</select></label>
      <label>{L(lang, '照片', 'Photos')} <input name="photos" type="file" accept="image/jpeg,image/png,image/webp" multiple onChange={(e) => setFiles([...((e.target as HTMLInputElement).files ?? [])])} /></label>
      {error && <p class="error" role="alert">{error}</p>}
      <button type="submit" data-action="create" disabled={busy}>{L(lang, '登记', 'Enter')}</button>
    </form>
  );
}

function DeclaredStatus({ token, lang, names }: { token: string; lang: Lang; names: Names }) {
  const ents = names.tree;
  const [enterprise, setEnterprise] = useState<string>('');
  const id = enterprise || ents[0]?.id || '';
  const [hist, setHist] = useState<any>(null);
  const [v, setV] = useState({ status: 'stopped', from: localInput(Date.now()), reason: '' });
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const load = () => id && get<any>(`/api/v1/enterprises/${encodeURIComponent(id)}/declarations`, token).then(setHist, (e: Error) => setError(e.message));
  useEffect(() => void load(), [id, token]);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    try {
      const pending = await fetch(`/api/v1/enterprises/${encodeURIComponent(id)}/declared-status`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ status: v.status, from: fromLocalInput(v.from), reason: v.reason || null }) }).then(async (r) => {
        if (!r.ok) throw new Error((await r.json()).error?.message ?? `HTTP ${r.status}`);
        return r.status === 202;
      });
      // 复工复产: production after a stop waits for the regulator's acceptance (issue 17)
      setDone(pending ? L(lang, '已提交复工复产申请，待监管部门验收；验收前仍按停产研判', 'Resumption requested: the regulator must accept it; until then the enterprise counts as stopped') : L(lang, '已申报', 'Declared'));
      await load();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section class="panel status">
      <h2>{L(lang, '企业状态申报', 'Declared status')}</h2>
      {ents.length > 1 && <select value={id} onChange={(e) => setEnterprise((e.target as HTMLSelectElement).value)}>{ents.map((e) => <option key={e.id} value={e.id}>{e.name ?? e.id}</option>)}</select>}
      <p>{L(lang, '当前申报', 'Now declared')}: <b data-testid="declared-now">{word(DECLARED, hist?.declaredStatus, lang)}</b> <small>{L(lang, '（明停暗开研判依据此申报）', '(the 明停暗开 rules judge against this)')}</small></p>
      <form onSubmit={(e) => void submit(e)}>
        <label>{L(lang, '状态', 'Status')} <select name="status" value={v.status} onChange={(e) => setV({ ...v, status: (e.target as HTMLSelectElement).value })}>{Object.keys(DECLARED).map((k) => <option key={k} value={k}>{word(DECLARED, k, lang)}</option>)}</select></label>
        <label>{L(lang, '起始时间', 'From')} <input name="from" type="datetime-local" value={v.from} onInput={(e) => setV({ ...v, from: (e.target as HTMLInputElement).value })} /></label>
        <label>{L(lang, '原因', 'Reason')} <input name="reason" value={v.reason} onInput={(e) => setV({ ...v, reason: (e.target as HTMLInputElement).value })} /></label>
        <button type="submit" data-action="declare">{L(lang, '申报', 'Declare')}</button>
        {done && <span class="ok">{done}</span>}
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      <table class="grid">
        <thead><tr><th>{L(lang, '状态', 'Status')}</th><th>{L(lang, '起始', 'From')}</th><th>{L(lang, '原因', 'Reason')}</th><th>{L(lang, '申报人', 'By')}</th><th>{L(lang, '申报时间', 'At')}</th></tr></thead>
        <tbody>
          {hist?.declarations.map((d: any, i: number) => <tr key={i}><td>{word(DECLARED, d.status, lang)}</td><td>{fmtTime(d.from, lang)}</td><td>{d.reason ?? '—'}</td><td>{d.actor}</td><td>{fmtTime(d.at, lang)}</td></tr>)}
        </tbody>
      </table>
      {hist && hist.declarations.length === 0 && <p class="empty">{L(lang, '尚无申报记录（按配置的状态）', 'No declaration yet (the configured status holds)')}</p>}
    </section>
  );
}

function Rewards({ token, lang, names }: { token: string; lang: Lang; names: Names }) {
  const [list, setList] = useState<any[] | null>(null);
  useEffect(() => {
    get<{ hazards: any[] }>('/api/v1/hazards?state=all&source=worker&limit=10000', token).then((r) => setList(r.hazards.filter((h) => h.reward)), () => setList([]));
  }, [token]);
  const total = (list ?? []).reduce((n, h) => n + h.reward.amount, 0);
  return (
    <section class="panel rewards">
      <h2>{L(lang, '奖励台账', 'Reward ledger')} <small>{L(lang, `共 ${list?.length ?? 0} 笔，${total} 元`, `${list?.length ?? 0} paid, ${total} yuan`)}</small></h2>
      <table class="grid">
        <thead><tr><th>{L(lang, '隐患', 'Hazard')}</th><th>{L(lang, '举报人', 'Reporter')}</th><th>{L(lang, '金额（元）', 'Amount (yuan)')}</th><th>{L(lang, '档次', 'Tier')}</th><th>{L(lang, '兑现人', 'Paid by')}</th><th>{L(lang, '兑现时间', 'Paid at')}</th></tr></thead>
        <tbody>
          {(list ?? []).map((h) => <tr key={h.id}><td>{h.title} <small>{names.enterprise(h.enterprise)}</small></td><td>{h.reporterAlias ?? '—'}</td><td>{h.reward.amount}{h.reward.outsideDuties ? L(lang, '（职责外）', ' (outside duties)') : ''}</td><td>{h.reward.tier}</td><td>{h.reward.paidBy}</td><td>{fmtTime(h.reward.paidAt, lang)}</td></tr>)}
        </tbody>
      </table>
    </section>
  );
}

function Workbench({ token, lang }: { token: string; lang: Lang }) {
  const names = useNames(token);
  const me = useMe(token);
  const [tab, setTab] = useState<Tab>('ledger');
  const [selected, setSelected] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    const s = liveStream(token, ['hazards'], { status: setConnected, hazard: () => void (pending ??= setTimeout(() => ((pending = undefined), setRefresh((n) => n + 1)), 500)) });
    return () => (clearTimeout(pending), s.close());
  }, [token]);
  const title = names.tree.length === 1 ? names.tree[0].name ?? names.tree[0].id : L(lang, '企业端', 'Enterprise');
  return (
    <main class="workbench">
      <header>
        <h1>{title} · {L(lang, '隐患台账', 'Hazard ledger')}</h1>
        <span class={connected ? 'live' : 'down'} data-testid="connection">{connected ? L(lang, '实时', 'live') : L(lang, '重连中…', 'reconnecting…')}</span>
        {me && <span class="me" data-testid="me">{word(ROLE, me.role, lang)} {me.name}</span>}
        <nav class="tabs">
          {([['ledger', L(lang, '隐患台账', 'Ledger')], ['new', L(lang, '登记隐患', 'Enter a hazard')], ['status', L(lang, '状态申报', 'Declared status')], ['accident', L(lang, '事故报告', 'Accident report')], ['sanwei', L(lang, '三违台账', '三违 ledger')], ['rewards', L(lang, '奖励台账', 'Rewards')], ['overview', L(lang, '统计与报表', 'Figures & reports')]] as [Tab, string][]).map(([k, label]) => (
            <button key={k} data-tab={k} class={tab === k ? 'on' : ''} onClick={() => setTab(k)}>{label}</button>
          ))}
        </nav>
      </header>
      {notice && <p class="notice" role="status">{notice}</p>}
      {tab === 'ledger' && (
        <div class="split">
          <HazardLedger token={token} lang={lang} names={names} selected={selected} onSelect={setSelected} refresh={refresh} showEnterprise={names.tree.length > 1} />
          {selected ? <HazardDetail id={selected} token={token} lang={lang} names={names} onChanged={() => setRefresh((n) => n + 1)} onClose={() => setSelected(null)} /> : <section class="hazard-detail empty">{L(lang, '点击左侧隐患查看详情并办理', 'Pick a hazard to see and act on it')}</section>}
        </div>
      )}
      {tab === 'new' && (
        <NewReport
          token={token}
          lang={lang}
          names={names}
          onCreated={(id, code) => {
            setNotice(code ? L(lang, `已登记，举报查询码 ${code}（请转告举报人）`, `Entered. Report code ${code} (give it to the reporter)`) : L(lang, '已登记', 'Entered'));
            setSelected(id);
            setRefresh((n) => n + 1);
            setTab('ledger');
          }}
        />
      )}
      {tab === 'status' && <DeclaredStatus token={token} lang={lang} names={names} />}
      {tab === 'accident' && <AccidentReport token={token} lang={lang} names={names} />}
      {tab === 'sanwei' && <SanweiDesk token={token} lang={lang} names={names} canRecord />}
      {tab === 'rewards' && <Rewards token={token} lang={lang} names={names} />}
      {tab === 'overview' && <Overview token={token} lang={lang} names={names} role="officer" />}
    </main>
  );
}

function App() {
  const token = sessionToken();
  const { lang, switcher } = useLang();
  return (
    <>
      {switcher}
      {token ? <Workbench token={token} lang={lang} /> : <p>{L(lang, '请使用带令牌的链接打开（?token=…）', 'Open with your token link (?token=…)')}</p>}
    </>
  );
}

render(<App />, document.getElementById('app')!);

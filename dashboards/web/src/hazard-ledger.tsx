// 隐患台账 — the hazard ledger (issue 14): every hazard in scope, filtered (state with counts,
// level, source, site and zone, dates, overdue), searched, sorted and paged by the gateway
// (GET /api/v1/hazards), with names, not ids, and the time left on each deadline.
import { useEffect, useState } from 'preact/hooks';
import { download, get } from './api.ts';
import { fmtTime, fromLocalInput, timeLeft } from './format.ts';
import { HAZARD_LEVEL, HAZARD_SOURCE, HAZARD_STATE, L, hazardState, word, type Lang } from './i18n.ts';
import type { Names } from './names.ts';

const PAGE = 20;
const OPEN = ['reported', 'verifying', 'confirmed', 'rectifying', 'rectified'];

interface Filters {
  state: string;
  level: string;
  source: string;
  enterprise: string;
  site: string;
  zone: string;
  from: string;
  to: string;
  overdue: boolean;
  q: string;
  sort: string;
}

const EMPTY: Filters = { state: 'open', level: '', source: '', enterprise: '', site: '', zone: '', from: '', to: '', overdue: false, q: '', sort: 'reportedAt' };

export function HazardLedger({ token, lang, names, selected, onSelect, refresh, showEnterprise }: { token: string; lang: Lang; names: Names; selected: string | null; onSelect: (id: string) => void; refresh: number; showEnterprise: boolean }) {
  const [f, setF] = useState<Filters>(EMPTY);
  const [page, setPage] = useState(0);
  const [data, setData] = useState<{ hazards: any[]; total: number; counts: Record<string, number> } | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** the ledger's filters as a query (the list and the export share them) */
  const query = () => {
    const p = new URLSearchParams({ state: f.state, sort: f.sort });
    for (const k of ['level', 'source', 'enterprise', 'site', 'zone', 'q'] as const) if (f[k]) p.set(k, f[k]);
    if (f.from) p.set('from', String(fromLocalInput(`${f.from}T00:00`)));
    if (f.to) p.set('to', String(fromLocalInput(`${f.to}T00:00`) + 86_400_000));
    if (f.overdue) p.set('overdue', 'true');
    return p;
  };
  // 导出: the ledger as filtered now, every page (issue 15)
  const exportAs = (format: 'xlsx' | 'csv') => {
    const p = query();
    p.set('format', format);
    void download(`/api/v1/exports/hazards?${p}`, token).catch((e: Error) => setError(e.message));
  };
  useEffect(() => {
    const p = query();
    p.set('offset', String(page * PAGE));
    p.set('limit', String(PAGE));
    get<{ hazards: any[]; total: number; counts: Record<string, number> }>(`/api/v1/hazards?${p}`, token).then(
      (d) => (setError(null), setData(d)),
      (e: Error) => setError(e.message),
    );
  }, [f, page, token, refresh]);
  const set = (k: keyof Filters) => (e: Event) => {
    const t = e.target as HTMLInputElement;
    setPage(0);
    setF({ ...f, [k]: t.type === 'checkbox' ? t.checked : t.value, ...(k === 'enterprise' ? { site: '', zone: '' } : k === 'site' ? { zone: '' } : {}) });
  };
  const counts = data?.counts ?? {};
  const openCount = OPEN.reduce((n, s) => n + (counts[s] ?? 0), 0);
  const allCount = Object.values(counts).reduce((n, c) => n + c, 0);
  const ents = names.tree;
  const ent = f.enterprise ? ents.find((e) => e.id === f.enterprise) : ents.length === 1 ? ents[0] : undefined;
  const sites = ent?.sites ?? [];
  const zones = sites.find((s) => s.id === f.site)?.zones ?? sites.flatMap((s) => s.zones);
  const now = Date.now();
  const pages = Math.max(1, Math.ceil((data?.total ?? 0) / PAGE));
  return (
    <section class="ledger">
      <nav class="tabs" role="tablist">
        {[['open', L(lang, '在办', 'Open'), openCount], ...Object.keys(HAZARD_STATE).map((s) => [s, hazardState(s, lang), counts[s] ?? 0]), ['all', L(lang, '全部', 'All'), allCount]].map(([s, label, n]) => (
          <button key={s as string} role="tab" data-state-tab={s} aria-selected={f.state === s} class={f.state === s ? 'on' : ''} onClick={() => (setPage(0), setF({ ...f, state: s as string }))}>
            {label} <b>{n}</b>
          </button>
        ))}
      </nav>
      <div class="filters">
        <input type="search" name="q" placeholder={L(lang, '搜索标题、描述、地点', 'Search title, text, place')} value={f.q} onInput={set('q')} />
        {showEnterprise && <select name="enterprise" value={f.enterprise} onChange={set('enterprise')}><option value="">{L(lang, '全部企业', 'All enterprises')}</option>{ents.map((e) => <option key={e.id} value={e.id}>{e.name ?? e.id}</option>)}</select>}
        <select name="level" value={f.level} onChange={set('level')}><option value="">{L(lang, '全部等级', 'All levels')}</option>{Object.keys(HAZARD_LEVEL).map((k) => <option key={k} value={k}>{word(HAZARD_LEVEL, k, lang)}</option>)}</select>
        <select name="source" value={f.source} onChange={set('source')}><option value="">{L(lang, '全部来源', 'All sources')}</option>{Object.keys(HAZARD_SOURCE).map((k) => <option key={k} value={k}>{word(HAZARD_SOURCE, k, lang)}</option>)}</select>
        <select name="site" value={f.site} onChange={set('site')} disabled={sites.length === 0}><option value="">{L(lang, '全部场所', 'All sites')}</option>{sites.map((s) => <option key={s.id} value={s.id}>{s.name ?? s.id}</option>)}</select>
        <select name="zone" value={f.zone} onChange={set('zone')} disabled={zones.length === 0}><option value="">{L(lang, '全部区域', 'All zones')}</option>{zones.map((z) => <option key={z.id} value={z.id}>{z.name ?? z.id}</option>)}</select>
        <label>{L(lang, '自', 'From')} <input type="date" name="from" value={f.from} onInput={set('from')} /></label>
        <label>{L(lang, '至', 'to')} <input type="date" name="to" value={f.to} onInput={set('to')} /></label>
        <label class="check"><input type="checkbox" name="overdue" checked={f.overdue} onChange={set('overdue')} /> {L(lang, '仅逾期', 'Overdue only')}</label>
        <select name="sort" value={f.sort} onChange={set('sort')}>
          <option value="reportedAt">{L(lang, '按上报时间', 'By report time')}</option>
          <option value="deadline">{L(lang, '按期限', 'By deadline')}</option>
          <option value="level">{L(lang, '按等级', 'By level')}</option>
          <option value="state">{L(lang, '按状态', 'By state')}</option>
        </select>
        <button type="button" data-action="export-xlsx" title={L(lang, '按当前筛选导出全部页', 'Every page under these filters')} onClick={() => exportAs('xlsx')}>{L(lang, '导出 Excel', 'Export Excel')}</button>
        <button type="button" data-action="export-csv" onClick={() => exportAs('csv')}>CSV</button>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      <table class="grid">
        <thead>
          <tr>
            <th>{L(lang, '隐患', 'Hazard')}</th>
            {showEnterprise && <th>{L(lang, '企业', 'Enterprise')}</th>}
            <th>{L(lang, '地点', 'Place')}</th>
            <th>{L(lang, '来源', 'Source')}</th>
            <th>{L(lang, '等级', 'Level')}</th>
            <th>{L(lang, '状态', 'State')}</th>
            <th>{L(lang, '上报时间', 'Reported')}</th>
            <th>{L(lang, '整改责任人 / 期限', 'Owner / due')}</th>
          </tr>
        </thead>
        <tbody>
          {data?.hazards.map((h) => {
            const due = h.rectification?.deadline;
            const left = due && OPEN.includes(h.state) ? timeLeft(due, now, lang) : null;
            const late = h.flags?.overdueRectification || h.flags?.caseLate || h.flags?.feedbackLate || h.flags?.acceptanceLate;
            return (
              <tr key={h.id} data-hazard={h.id} class={`${selected === h.id ? 'selected ' : ''}${late ? 'late' : ''}`} onClick={() => onSelect(h.id)}>
                <td class="title">{h.level === 'major' && <span class="major">{L(lang, '重大', 'Major')}</span>}{h.title}<small>{h.id}</small></td>
                {showEnterprise && <td>{names.enterprise(h.enterprise)}</td>}
                <td>{names.place(h, lang, false) || '—'}</td>
                <td>{word(HAZARD_SOURCE, h.source, lang)}</td>
                <td>{word(HAZARD_LEVEL, h.level, lang)}</td>
                <td><span class={`state st-${h.state}`}>{hazardState(h.state, lang)}</span></td>
                <td>{fmtTime(h.reportedAt, lang)}</td>
                <td>{h.rectification ? <>{h.rectification.owner} · {left ? <b class={left.late ? 'late' : ''}>{left.text}</b> : fmtTime(due, lang)}</> : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {data && data.hazards.length === 0 && <p class="empty">{L(lang, '没有符合条件的隐患', 'No hazard matches')}</p>}
      <div class="pager">
        <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>{L(lang, '上一页', 'Previous')}</button>
        <span data-testid="ledger-total">{L(lang, `第 ${page + 1} / ${pages} 页，共 ${data?.total ?? 0} 条`, `page ${page + 1} of ${pages}, ${data?.total ?? 0} hazards`)}</span>
        <button type="button" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>{L(lang, '下一页', 'Next')}</button>
      </div>
    </section>
  );
}

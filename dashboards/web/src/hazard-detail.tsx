// One hazard as the people who run the loop see it (issue 14): what and where, photos, the alarm it
// came from with its trend, deadlines with the time left, likely duplicates, the history as a
// timeline (who, when, what), and one button per step this person may take now, each opening the
// form that step needs. A refused step shows the API's reason (its `error.message`), never a raw error.
import { Notifications } from './notifications.tsx';
import { useEffect, useState } from 'preact/hooks';
import { get, post, type AlarmJson } from './api.ts';
import { fmtTime, fromLocalInput, localInput, timeLeft } from './format.ts';
import { HAZARD_ACTION, HAZARD_CATEGORY, HAZARD_LEVEL, HAZARD_SOURCE, L, REPORT_CHANNEL, ROLE, hazardState, word, type Lang } from './i18n.ts';
import type { Names } from './names.ts';
import { Trend } from './trend.tsx';

export interface HazardView {
  hazard: any;
  history: any[];
  allowedActions: string[];
  rewardAmounts?: number[];
  reporter?: { name: string | null; phone: string | null };
}

/** Sends a photo to a hazard (the image itself as the body). */
export async function uploadPhoto(id: string, token: string, file: File): Promise<void> {
  const res = await fetch(`/api/v1/hazards/${encodeURIComponent(id)}/photos`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': file.type || 'application/octet-stream' }, body: file });
  if (!res.ok) throw new Error((await res.json().catch(() => null))?.error?.message ?? `HTTP ${res.status}`);
}

function Photo({ hazard, name, token }: { hazard: string; name: string; token: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let url: string | undefined;
    fetch(`/api/v1/hazards/${encodeURIComponent(hazard)}/photos/${encodeURIComponent(name)}`, { headers: { authorization: `Bearer ${token}` } })
      .then((r) => (r.ok ? r.blob() : null))
      .then((b) => b && setSrc((url = URL.createObjectURL(b))));
    return () => url && URL.revokeObjectURL(url);
  }, [hazard, name, token]);
  return src ? <a href={src} target="_blank" rel="noreferrer"><img src={src} alt={name} /></a> : <span class="photo-loading">…</span>;
}

/** the form of one step: fields → request body */
function StepForm({ action, view, lang, busy, onSubmit, onCancel }: { action: string; view: HazardView; lang: Lang; busy: boolean; onSubmit: (body: Record<string, unknown>, files: File[]) => void; onCancel: () => void }) {
  const h = view.hazard;
  const [v, setV] = useState<Record<string, any>>(() => ({
    level: h.level,
    category: h.category,
    deadline: localInput(Date.now() + 7 * 86_400_000),
    amount: view.rewardAmounts?.[0] ?? '',
    outsideDuties: !!h.outsideDuties,
  }));
  const [files, setFiles] = useState<File[]>([]);
  const set = (k: string) => (e: Event) => {
    const t = e.target as HTMLInputElement;
    setV({ ...v, [k]: t.type === 'checkbox' ? t.checked : t.value });
  };
  const text = (k: string, label: string, required = false, area = false) => (
    <label><span>{label}{required && <b class="req">*</b>}</span> {area ? <textarea name={k} rows={3} value={v[k] ?? ''} onInput={set(k)} required={required} /> : <input name={k} value={v[k] ?? ''} onInput={set(k)} required={required} />}</label>
  );
  const major = action === 'assign' && h.level === 'major';
  const body = (): Record<string, unknown> => {
    const s = (k: string) => (typeof v[k] === 'string' && v[k].trim() ? v[k].trim() : undefined);
    switch (action) {
      case 'verify':
      case 'publish':
      case 'close':
        return { action, note: s('note') };
      case 'confirm':
        return { action, level: v.level, category: v.category, duplicateOf: s('duplicateOf') ?? null, note: s('note'), ...(h.source === 'worker' ? { outsideDuties: !!v.outsideDuties } : {}) };
      case 'reject':
      case 'reopen':
      case 'extend':
        return { action, reason: s('reason') };
      case 'assign':
        return { action, owner: s('owner'), measures: s('measures'), funds: v.funds === undefined || v.funds === '' ? undefined : Number(v.funds), deadline: fromLocalInput(v.deadline), plan: s('plan') };
      case 'rectify':
        return { action, evidence: s('evidence'), note: s('note') };
      case 'reward':
        return { action, amount: Number(v.amount) };
      default:
        return { action };
    }
  };
  return (
    <form class="step" data-form={action} onSubmit={(e) => { e.preventDefault(); onSubmit(body(), files); }}>
      <h4>{word(HAZARD_ACTION, action, lang)}{action === 'close' && h.level === 'major' ? L(lang, '（重大隐患：监管审批销号）', ' (major: regulator approval)') : ''}</h4>
      {action === 'verify' && text('note', L(lang, '受理说明', 'Note'))}
      {action === 'confirm' && (
        <>
          <label>{L(lang, '隐患等级', 'Level')} <select name="level" value={v.level} onChange={set('level')}>{Object.keys(HAZARD_LEVEL).map((k) => <option key={k} value={k}>{word(HAZARD_LEVEL, k, lang)}</option>)}</select></label>
          <label>{L(lang, '类别', 'Category')} <select name="category" value={v.category} onChange={set('category')}>{Object.keys(HAZARD_CATEGORY).map((k) => <option key={k} value={k}>{word(HAZARD_CATEGORY, k, lang)}</option>)}</select></label>
          {h.source === 'worker' && <label class="check"><input type="checkbox" name="outsideDuties" checked={!!v.outsideDuties} onChange={set('outsideDuties')} /> {L(lang, '岗位职责外发现（提高奖励标准）', 'Found outside own duties (higher reward)')}</label>}
          <label>{L(lang, '重复上报（同一隐患的首报）', 'Duplicate of (the first report)')} <select name="duplicateOf" value={v.duplicateOf ?? ''} onChange={set('duplicateOf')}><option value="">{L(lang, '不是重复', 'not a duplicate')}</option>{(h.possibleDuplicates ?? []).map((id: string) => <option key={id} value={id}>{id}</option>)}</select></label>
          {text('note', L(lang, '核实情况', 'Findings'))}
        </>
      )}
      {(action === 'reject' || action === 'reopen' || action === 'extend') && text('reason', action === 'reject' ? L(lang, '驳回理由', 'Reason') : action === 'reopen' ? L(lang, '回头看发现的问题', 'Why reopen') : L(lang, '延期理由（案件期限 +30 天，仅一次）', 'Reason (+30 days, once)'), true, true)}
      {action === 'assign' && (
        <>
          <p class="hint">{L(lang, '五落实：责任、措施、资金、时限、预案', '五落实: owner, measures, funds, deadline, plan')}</p>
          {text('owner', L(lang, '整改责任人', 'Owner'), true)}
          {text('measures', L(lang, '整改措施', 'Measures'), true, true)}
          <label><span>{L(lang, '整改资金（元）', 'Funds (yuan)')}{major && <b class="req">*</b>}</span> <input name="funds" type="number" min="0" step="1" value={v.funds ?? ''} onInput={set('funds')} required={major} /></label>
          <label><span>{L(lang, '整改期限', 'Deadline')}<b class="req">*</b></span> <input name="deadline" type="datetime-local" value={v.deadline} onInput={set('deadline')} required /></label>
          {text('plan', L(lang, '整改方案 / 应急预案', 'Plan'), major, true)}
        </>
      )}
      {action === 'rectify' && (
        <>
          {text('evidence', L(lang, '整改情况（佐证）', 'Evidence'), true, true)}
          <label>{L(lang, '整改后照片', 'Photos after')} <input name="photos" type="file" accept="image/jpeg,image/png,image/webp" multiple onChange={(e) => setFiles([...((e.target as HTMLInputElement).files ?? [])])} /></label>
          {text('note', L(lang, '备注', 'Note'))}
        </>
      )}
      {(action === 'close' || action === 'publish') && text('note', action === 'close' ? L(lang, '验收意见', 'Acceptance note') : L(lang, '公示说明', 'Notice'))}
      {action === 'reward' && (
        <label>{L(lang, '奖励金额（元）', 'Amount (yuan)')} <select name="amount" value={String(v.amount)} onChange={set('amount')}>{(view.rewardAmounts ?? []).map((a) => <option key={a} value={a}>{a}</option>)}</select>{h.outsideDuties && <small> {L(lang, '（岗位职责外，已按提高标准）', ' (outside duties: raised tiers)')}</small>}</label>
      )}
      <div class="buttons">
        <button type="submit" data-action="submit" disabled={busy}>{L(lang, '提交', 'Submit')}</button>
        <button type="button" onClick={onCancel}>{L(lang, '取消', 'Cancel')}</button>
      </div>
    </form>
  );
}

/** who took a step: the role and the person; a reporting worker is never named here (anonymous, or kept from those who may not see it) */
function actorText(a: { role?: string; id?: string } | undefined, lang: Lang): string {
  if (!a) return '';
  if (a.role === 'worker') return a.id === 'anonymous' ? L(lang, '职工（匿名）', 'worker (anonymous)') : a.id === '(redacted)' ? L(lang, '职工（身份保护）', 'worker (identity protected)') : `${word(ROLE, a.role, lang)} ${a.id}`;
  return `${word(ROLE, a.role, lang)} ${a.id ?? ''}`;
}

function entryText(e: any, lang: Lang): string {
  const d = e.details ?? {};
  const parts: string[] = [];
  if (e.note) parts.push(e.note);
  if (d.rectification) parts.push(`${L(lang, '责任人', 'owner')} ${d.rectification.owner} · ${d.rectification.measures}${d.rectification.funds ? ` · ${d.rectification.funds} ${L(lang, '元', 'yuan')}` : ''} · ${L(lang, '期限', 'due')} ${fmtTime(d.rectification.deadline, lang)}`);
  if (d.evidence) parts.push(d.evidence);
  if (d.amount !== undefined) parts.push(`${d.amount} ${L(lang, '元', 'yuan')}${d.outsideDuties ? L(lang, '（岗位职责外）', ' (outside duties)') : ''}`);
  if (e.action === 'confirm') parts.push(`${word(HAZARD_LEVEL, d.level, lang)}${d.duplicateOf ? ` · ${L(lang, '重复于', 'duplicate of')} ${d.duplicateOf}` : ''}${d.directReport ? ` · ${L(lang, '已直报监管', 'reported to the regulator')}` : ''}`);
  if (e.action === 'create' && d.channel) parts.push(`${L(lang, '渠道', 'via')} ${word(REPORT_CHANNEL, d.channel, lang)}`);
  return parts.join('；');
}

export function HazardDetail({ id, token, lang, names, onChanged, onClose }: { id: string; token: string; lang: Lang; names: Names; onChanged?: () => void; onClose?: () => void }) {
  const [view, setView] = useState<HazardView | null>(null);
  const [alarm, setAlarm] = useState<AlarmJson | null>(null);
  const [step, setStep] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const load = async () => {
    try {
      const v = await get<HazardView>(`/api/v1/hazards/${encodeURIComponent(id)}`, token);
      setView(v);
      if (v.hazard.alarmId) get<{ alarm: AlarmJson }>(`/api/v1/alarms/${encodeURIComponent(v.hazard.alarmId)}`, token).then((r) => setAlarm(r.alarm), () => setAlarm(null));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  useEffect(() => {
    setView(null);
    setAlarm(null);
    setStep(null);
    setError(null);
    void load();
  }, [id, token]);
  if (!view) return <section class="hazard-detail">{error ? <p class="error" role="alert">{error}</p> : '…'}</section>;
  const h = view.hazard;
  const now = Date.now();
  const submit = async (body: Record<string, unknown>, files: File[]) => {
    setBusy(true);
    setError(null);
    try {
      for (const f of files) await uploadPhoto(h.id, token, f);
      await post(`/api/v1/hazards/${encodeURIComponent(h.id)}/actions`, token, body);
      setStep(null);
      await load();
      onChanged?.();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const deadlines: [string, number | string | null | undefined][] = [
    [L(lang, '整改期限', 'Rectification due'), h.rectification?.deadline],
    [L(lang, '反馈期限', 'Feedback due'), h.feedbackDueBy],
    [L(lang, '办结期限', 'Case due'), h.caseDueBy],
  ];
  const open = ['reported', 'verifying', 'confirmed', 'rectifying', 'rectified'].includes(h.state);
  return (
    <section class="hazard-detail" data-hazard-detail={h.id}>
      <header>
        <h2>{h.level === 'major' && <span class="major">{L(lang, '重大', 'Major')}</span>}{h.title}</h2>
        {onClose && <button type="button" class="close" onClick={onClose} aria-label={L(lang, '关闭', 'Close')}>×</button>}
      </header>
      <p class="meta">
        <span class={`state st-${h.state}`} data-testid="hazard-state">{hazardState(h.state, lang)}</span> · {word(HAZARD_SOURCE, h.source, lang)}{h.channel && h.source === 'worker' ? `（${word(REPORT_CHANNEL, h.channel, lang)}）` : ''} · {word(HAZARD_LEVEL, h.level, lang)} · {word(HAZARD_CATEGORY, h.category, lang)} · {L(lang, '上报', 'reported')} {fmtTime(h.reportedAt, lang)}
      </p>
      <p class="place">{names.place(h, lang)}</p>
      {h.description && <p class="desc">{h.description}</p>}
      {h.source === 'worker' && (
        <p class="reporter">{L(lang, '举报人', 'Reporter')}: {view.reporter ? `${view.reporter.name ?? ''} ${view.reporter.phone ?? ''}` : h.reporterAlias ?? '—'}{h.outsideDuties ? ` · ${L(lang, '岗位职责外', 'outside own duties')}` : ''}</p>
      )}
      {h.rectification && (
        <dl class="five">
          <dt>{L(lang, '责任人', 'Owner')}</dt><dd>{h.rectification.owner}</dd>
          <dt>{L(lang, '措施', 'Measures')}</dt><dd>{h.rectification.measures}</dd>
          <dt>{L(lang, '资金', 'Funds')}</dt><dd>{h.rectification.funds} {L(lang, '元', 'yuan')}</dd>
          {h.rectification.plan && <><dt>{L(lang, '方案', 'Plan')}</dt><dd>{h.rectification.plan}</dd></>}
          {h.evidence && <><dt>{L(lang, '整改佐证', 'Evidence')}</dt><dd>{h.evidence}</dd></>}
        </dl>
      )}
      {h.reward && <p class="reward">{L(lang, '已兑现奖励', 'Reward paid')} {h.reward.amount} {L(lang, '元', 'yuan')} · {h.reward.paidBy} · {fmtTime(h.reward.paidAt, lang)}</p>}
      {open && (
        <ul class="deadlines">
          {deadlines.filter(([, t]) => t !== null && t !== undefined).map(([label, t]) => {
            const left = timeLeft(t!, now, lang);
            return <li key={label} class={left.late ? 'late' : ''}>{label} {fmtTime(t, lang)} · <b>{left.text}</b></li>;
          })}
        </ul>
      )}
      {(h.possibleDuplicates ?? []).length > 0 && <p class="dups">{L(lang, '疑似重复', 'Likely duplicates')}: {h.possibleDuplicates.join('、')}</p>}
      {(h.photos ?? []).length > 0 && <div class="photos">{h.photos.map((p: any) => <Photo key={p.name} hazard={h.id} name={p.name} token={token} />)}</div>}
      {alarm && <Trend alarm={alarm} token={token} lang={lang} names={names} title={`${L(lang, '关联报警', 'Linked alarm')}: ${lang === 'zh' ? alarm.message : alarm.messageEn}`} />}
      {error && <p class="error" role="alert">{error}</p>}
      <div class="steps">
        {view.allowedActions.length === 0 && <span class="empty">{L(lang, '当前无可办理步骤', 'No step for you now')}</span>}
        {view.allowedActions.map((a) => (
          <button key={a} type="button" data-action={a} class={step === a ? 'on' : ''} onClick={() => setStep(step === a ? null : a)}>
            {a === 'close' && h.level === 'major' ? L(lang, '审批销号', 'Approve closure') : word(HAZARD_ACTION, a, lang)}
          </button>
        ))}
      </div>
      {step && <StepForm key={step} action={step} view={view} lang={lang} busy={busy} onSubmit={(b, f) => void submit(b, f)} onCancel={() => setStep(null)} />}
      <h3>{L(lang, '办理记录', 'History')}</h3>
      <ol class="timeline">
        {view.history.map((e, i) => (
          <li key={i} data-step={e.action}>
            <time>{fmtTime(e.at, lang)}</time> <b>{word(HAZARD_ACTION, e.action, lang)}</b> <span class="who">{actorText(e.actor, lang)}</span>
            {e.to && e.from !== e.to && <span class="to"> → {hazardState(e.to, lang)}</span>}
            <div class="what">{entryText(e, lang)}</div>
          </li>
        ))}
      </ol>
      <Notifications kind="hazard" id={h.id} token={token} lang={lang} refresh={view.history.length} />
    </section>
  );
}

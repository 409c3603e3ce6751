// The snapshot of a video-analytics alarm (issue 17): what the camera saw, beside the alarm, so a
// dispatcher judges it without opening the NVR. The references are the box's own http(s) URLs
// (rules/src/kinds/violation.ts keeps nothing else); the gateway's CSP lets the consoles load them
// only from `gateway.http.mediaOrigins`, and a picture that does not load says so.
import { useState } from 'preact/hooks';
import type { AlarmJson } from './api.ts';
import { L, type Lang } from './i18n.ts';

interface Media {
  snapshot: string | null;
  snapshots: string[];
  clip: string | null;
  occurrences: number;
  name: { zh: string; en: string } | null;
}

/** The media of an alarm's evidence, if it has a snapshot or a clip. */
export function mediaOf(a: AlarmJson): Media | undefined {
  const e = a.evidence as Record<string, unknown> | null;
  if (!e) return undefined;
  const str = (x: unknown) => (typeof x === 'string' && /^https?:\/\//.test(x) ? x : null);
  const snapshot = str(e.snapshot);
  const clip = str(e.clip);
  if (!snapshot && !clip) return undefined;
  const snapshots = Array.isArray(e.snapshots) ? (e.snapshots.map(str).filter(Boolean) as string[]) : snapshot ? [snapshot] : [];
  const name = e.name && typeof e.name === 'object' ? (e.name as Media['name']) : null;
  return { snapshot, snapshots, clip, occurrences: typeof e.occurrences === 'number' ? e.occurrences : 1, name };
}

/** A small picture in the alarm row. */
export function Thumb({ a, lang }: { a: AlarmJson; lang: Lang }) {
  const m = mediaOf(a);
  const [failed, setFailed] = useState(false);
  if (!m?.snapshot || failed) return null;
  return <img class="thumb" data-testid="thumb" src={m.snapshot} alt={L(lang, '抓拍', 'snapshot')} loading="lazy" referrerpolicy="no-referrer" onError={() => setFailed(true)} />;
}

/** 现场抓拍: the latest snapshot large, the earlier ones of the same alarm small, the clip as a link. */
export function Snapshot({ a, lang }: { a: AlarmJson; lang: Lang }) {
  const m = mediaOf(a);
  const [shown, setShown] = useState<string | null>(null);
  const [failed, setFailed] = useState<Set<string>>(new Set());
  if (!m) return null;
  const big = shown && m.snapshots.includes(shown) ? shown : m.snapshot;
  return (
    <section class="snapshot" data-testid="snapshot">
      <h3>
        {L(lang, '现场抓拍', 'Snapshot')} <small>{m.name ? m.name[lang] : ''}{m.occurrences > 1 ? L(lang, ` · 本次报警共识别 ${m.occurrences} 次`, ` · seen ${m.occurrences} times in this alarm`) : ''}</small>
      </h3>
      {big && !failed.has(big) && <img class="big" src={big} alt={m.name ? m.name[lang] : L(lang, '抓拍', 'snapshot')} referrerpolicy="no-referrer" onError={() => setFailed(new Set(failed).add(big))} />}
      {big && failed.has(big) && <p class="empty">{L(lang, '抓拍图片无法显示：视频设备不可达，或其地址未列入 gateway.http.mediaOrigins', 'The snapshot cannot be shown: the video box is unreachable, or its origin is not in gateway.http.mediaOrigins')}</p>}
      {m.snapshots.length > 1 && (
        <div class="thumbs">
          {m.snapshots.map((s) => (
            <img key={s} class={s === big ? 'on' : ''} src={s} alt="" referrerpolicy="no-referrer" onClick={() => setShown(s)} />
          ))}
        </div>
      )}
      <p>
        {m.clip && <a href={m.clip} target="_blank" rel="noopener noreferrer">{L(lang, '查看录像', 'Play the clip')}</a>}
        {big && <> · <a href={big} target="_blank" rel="noopener noreferrer">{L(lang, '原图', 'Full picture')}</a></>}
      </p>
    </section>
  );
}

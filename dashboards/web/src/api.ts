// The gateway API as the consoles use it (CONTRACT §7, §9). A console opened with ?token=...
// keeps that token for the session (wall screens, kiosks); otherwise it asks for one.
import type { AlarmJson as GatewayAlarmJson } from '../../../gateway/src/alarms/alarm-fields.ts';

export function sessionToken(): string | null {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem('hazardline-token', fromUrl);
    // the token leaves the address bar (and the history); other parameters stay
    params.delete('token');
    history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}`);
    return fromUrl;
  }
  return sessionStorage.getItem('hazardline-token');
}

export async function post<T>(path: string, token: string, body: unknown): Promise<T> {
  const res = await fetch(path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(json?.error?.message ?? `HTTP ${res.status}`);
  return json as T;
}

/** CONTRACT §6 alarm JSON: the gateway's own type (its fields are listed once, in gateway/src/alarms/alarm-fields.ts), with the evidence the trend view reads. */
export type AlarmJson = Omit<GatewayAlarmJson, 'evidence'> & { evidence: ({ series?: EvidenceSeries[] } & Record<string, unknown>) | null };

/** a stored series behind an alarm: a device's metric, or a zone's head-count (`persons`) */
export interface EvidenceSeries {
  site?: string | null;
  device?: string;
  zone?: string;
  metric: string;
  /** the alarm's threshold is in this series' unit */
  threshold?: boolean;
}

export async function get<T>(path: string, token: string): Promise<T> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  const json = await res.json();
  if (!res.ok) throw new Error(json?.error?.message ?? `HTTP ${res.status}`);
  return json as T;
}

export interface StreamHandlers {
  status(connected: boolean): void;
  snapshot?(alarms: AlarmJson[]): void;
  alarm?(a: AlarmJson & { action: string }): void;
  hazard?(h: { id: string; enterprise: string; state: string; action: string }): void;
  occupancy?(o: { enterprise: string; site: string; zone: string; persons: number; maxPersons: number | null; ts: string }): void;
  reading?(r: { enterprise: string; device: string; metric: string; ts: number; value: number | null }): void;
}

export interface LiveStream {
  /** replace the subscribed topics (CONTRACT §9); kept across reconnects */
  subscribe(topics: string[]): void;
  close(): void;
}

/** The WebSocket stream (CONTRACT §9): snapshot first, then the subscribed topics; reconnects with back-off. */
export function liveStream(token: string, topics: string[], on: StreamHandlers): LiveStream {
  let ws: WebSocket | undefined;
  let closed = false;
  let delay = 500;
  let current = topics;
  const open = () => {
    ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/stream?token=${encodeURIComponent(token)}`);
    ws.onopen = () => {
      delay = 500;
      on.status(true);
      ws!.send(JSON.stringify({ subscribe: current }));
    };
    ws.onmessage = (m) => {
      const msg = JSON.parse(String(m.data));
      if (msg.type === 'snapshot') on.snapshot?.(msg.data.alarms);
      else if (msg.type === 'alarm') on.alarm?.(msg.data);
      else if (msg.type === 'hazard') on.hazard?.(msg.data);
      else if (msg.type === 'occupancy') on.occupancy?.(msg.data);
      else if (msg.type === 'reading') on.reading?.(msg.data);
    };
    ws.onclose = () => {
      on.status(false);
      if (!closed) setTimeout(open, (delay = Math.min(delay * 2, 10_000)));
    };
  };
  open();
  return {
    subscribe(next) {
      current = next;
      if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ subscribe: current }));
    },
    close() {
      closed = true;
      ws?.close();
    },
  };
}

/** Fetches a file with the token and saves it under the name the gateway gives. */
export async function download(url: string, token: string): Promise<void> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error((await res.json().catch(() => null))?.error?.message ?? `HTTP ${res.status}`);
  const cd = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/.exec(cd);
  const name = star ? decodeURIComponent(star[1]) : (/filename="([^"]+)"/.exec(cd)?.[1] ?? 'report');
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await res.blob());
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

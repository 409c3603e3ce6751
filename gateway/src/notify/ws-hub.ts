// WebSocket stream (CONTRACT §9): GET /api/v1/stream with the token as ?token= or header.
// A client first receives a snapshot of the open alarms in its scope, then the topics it
// subscribed to (`alarms` by default; `hazards`, `readings:{device}`, `occupancy:{site}`).
// A slow client is dropped rather than slowing the gateway: a send is skipped and the socket
// closed once its unsent buffer passes `maxBufferedBytes` (counted).
import type { LoginGate } from '../api/http-guard.ts';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Identity, TokenAuth } from '../api/auth.ts';
import type { Logger } from '../log.ts';
import type { Reading } from '../model/types.ts';

export interface HubMessage {
  type: 'snapshot' | 'alarm' | 'hazard' | 'reading' | 'occupancy';
  data: unknown;
}

interface Client {
  ws: WebSocket;
  /** the connection under `ws`: corked while a turn of the event loop pushes to it */
  socket: Duplex;
  id: Identity;
  topics: Set<string>;
}

export interface WsHubOptions {
  auth: TokenAuth;
  log: Logger;
  /** open alarms in the identity's scope, as JSON, for the snapshot */
  snapshot: (id: Identity) => unknown[];
  maxBufferedBytes?: number;
  onDrop?: () => void;
  /** failed logins per client address, shared with HTTP (issue 12 item 12) */
  logins?: () => LoginGate | undefined;
}

const PATH = '/api/v1/stream';
const ROLES = ['dispatcher', 'officer', 'regulator', 'admin'] as const;

export class WsHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly clients = new Set<Client>();
  dropped = 0;

  constructor(private readonly o: WsHubOptions) {}

  get size(): number {
    return this.clients.size;
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.upgrade(req, socket, head).catch((err: Error) => {
        this.o.log.warn({ err: err.message }, 'websocket upgrade failed');
        socket.destroy();
      });
    });
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== PATH) return void socket.destroy();
    const ip = req.socket.remoteAddress ?? '';
    const gate = this.o.logins?.();
    const wait = gate ? await gate.blocked(ip) : 0;
    if (wait > 0) return void socket.end(`HTTP/1.1 429 Too Many Requests\r\nretry-after: ${wait}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    const id = this.o.auth.identify(req.headers.authorization, url.searchParams.get('token') ?? undefined);
    if (!id || !(ROLES as readonly string[]).includes(id.role)) {
      if (!id) await gate?.failed(ip);
      socket.end(`HTTP/1.1 ${id ? '403 Forbidden' : '401 Unauthorized'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws, socket, id));
  }

  private connected(ws: WebSocket, socket: Duplex, id: Identity): void {
    const client: Client = { ws, socket, id, topics: new Set(['alarms']) };
    this.clients.add(client);
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', () => this.clients.delete(client));
    ws.on('message', (raw) => {
      try {
        const msg = JSON.parse(String(raw)) as { subscribe?: unknown };
        if (Array.isArray(msg.subscribe) && msg.subscribe.every((t) => typeof t === 'string')) client.topics = new Set(msg.subscribe as string[]);
        else ws.send(JSON.stringify({ type: 'error', data: { message: 'expected {"subscribe": ["alarms", "hazards", "readings:{device}", "occupancy:{site}"]}' } }));
      } catch {
        ws.send(JSON.stringify({ type: 'error', data: { message: 'not JSON' } }));
      }
    });
    this.send(client, { type: 'snapshot', data: { alarms: this.o.snapshot(id) } });
  }

  /** An alarm transition for every client subscribed to `alarms` with the enterprise in scope. */
  publishAlarm(enterprise: string, data: unknown): void {
    for (const c of this.clients) if (c.topics.has('alarms') && this.o.auth.inScope(c.id, enterprise)) this.send(c, { type: 'alarm', data });
  }

  publishHazard(enterprise: string, data: unknown): void {
    for (const c of this.clients) if (c.topics.has('hazards') && this.o.auth.inScope(c.id, enterprise)) this.send(c, { type: 'hazard', data });
  }

  publishOccupancy(enterprise: string, site: string, data: unknown): void {
    for (const c of this.clients) if (c.topics.has(`occupancy:${site}`) && this.o.auth.inScope(c.id, enterprise)) this.send(c, { type: 'occupancy', data });
  }

  /** Readings of subscribed devices; cheap when nobody subscribed to readings. */
  publishReadings(readings: Reading[]): void {
    if (this.clients.size === 0) return;
    for (const c of this.clients) {
      for (const r of readings) {
        if (c.topics.has(`readings:${r.device}`) && this.o.auth.inScope(c.id, r.enterprise)) this.send(c, { type: 'reading', data: { device: r.device, enterprise: r.enterprise, metric: r.metric, ts: r.ts, value: r.value, quality: r.quality } });
      }
    }
  }

  private send(c: Client, m: HubMessage): void {
    if (c.ws.readyState !== c.ws.OPEN) return;
    if (c.ws.bufferedAmount > (this.o.maxBufferedBytes ?? 4 * 1024 * 1024)) {
      this.dropped++;
      this.o.onDrop?.();
      this.o.log.warn({ role: c.id.role, buffered: c.ws.bufferedAmount }, 'websocket client too slow: dropped');
      this.clients.delete(c);
      c.ws.terminate();
      return;
    }
    // a flood pushes thousands of transitions in a few turns: one write per turn and client, not
    // one syscall per message (8,000 alarms took 170 ms of ws.send, issue 19); order is unchanged
    if (!this.corked.has(c)) {
      c.socket.cork();
      this.corked.add(c);
      if (this.corked.size === 1) setImmediate(this.uncork);
    }
    c.ws.send(JSON.stringify(m));
  }

  private readonly corked = new Set<Client>();
  private readonly uncork = () => {
    for (const c of this.corked) c.socket.uncork();
    this.corked.clear();
  };

  close(): void {
    for (const c of this.clients) c.ws.terminate();
    this.clients.clear();
    this.wss.close();
  }
}

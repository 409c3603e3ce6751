// pino root logger; components take children with `{ component, id }` bindings.
import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON lines (one per event) by default, for log collectors. `pretty`: one readable line per event
 * through pino-pretty (the demo on a terminal, issue 18); `LOG_FORMAT=json` keeps JSON anyway.
 */
export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream; pretty?: boolean } = {}): Logger {
  const level = opts.level ?? process.env.LOG_LEVEL ?? 'info';
  if (opts.destination) return pino({ level, base: { app: 'hazardline' } }, opts.destination as never);
  if (opts.pretty && process.env.LOG_FORMAT !== 'json') {
    return pino({ level, base: { app: 'hazardline' }, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,app', singleLine: true, colorize: process.stdout.isTTY === true } } });
  }
  return pino({ level, base: { app: 'hazardline' } });
}

/** Logs at most once per `intervalMs` per key, counting what it held back (per-message errors, ARCHITECTURE.md). */
export class RateLimitedLog {
  private last = new Map<string, { at: number; suppressed: number }>();
  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(key: string, obj: Record<string, unknown>, msg: string): void {
    this.emit('warn', key, obj, msg);
  }

  error(key: string, obj: Record<string, unknown>, msg: string): void {
    this.emit('error', key, obj, msg);
  }

  private emit(level: 'warn' | 'error', key: string, obj: Record<string, unknown>, msg: string): void {
    const t = this.now();
    const s = this.last.get(key);
    if (s && t - s.at < this.intervalMs) {
      s.suppressed++;
      return;
    }
    this.log[level]({ ...obj, suppressed: s?.suppressed ?? 0 }, msg);
    this.last.set(key, { at: t, suppressed: 0 });
  }
}

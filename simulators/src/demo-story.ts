// The demo drives one worker's report through the whole loop (issue 14; seed 000: 隐患上报—现场核查—
// 限期整改—结果反馈—奖励兑现—公示备案), as the demo's named people would on their pages — through the
// gateway's own HTTP API with their tokens — and leaves a second, anonymous report waiting for the
// visitor to take through the officer's workbench. Demo only: the tokens are the demo config's.

/** One API request as a console makes it; answers the status and JSON body. */
export type ApiCall = (method: 'GET' | 'POST', url: string, token: string, body?: unknown) => Promise<{ status: number; body: any }>;

export interface DemoStoryOptions {
  call: ApiCall;
  tokens: { worker: string; officer: string };
  enterprise: string;
  site: string;
  zone?: string;
  /** wait between steps (default 30 s): the loop unfolds while someone watches */
  stepMs?: number;
  /** first report after this long (default 45 s) */
  firstAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** a step that failed: the demo goes on without it */
  onError?: (step: string, message: string) => void;
}

export class DemoStory {
  private stopped = false;
  /** the hazards the story made: the one taken through the loop, the one left waiting */
  readonly made: { loop?: string; waiting?: string } = {};

  constructor(private readonly o: DemoStoryOptions) {}

  stop(): void {
    this.stopped = true;
  }

  /** Runs the story; resolves when the report is published (or the story was stopped). */
  async run(): Promise<void> {
    const { call, tokens } = this.o;
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.()));
    const step = this.o.stepMs ?? 30_000;
    await sleep(this.o.firstAfterMs ?? 45_000);
    if (this.stopped) return;
    const place = { enterprise: this.o.enterprise, site: this.o.site, ...(this.o.zone ? { zone: this.o.zone } : {}) };
    const created = await call('POST', '/api/v1/hazards', tokens.worker, {
      ...place,
      title: '10吨行车吊链存在隐蔽断口',
      description: '交接班检查时发现行车吊链第 3 节有细小裂口，继续起吊可能断链伤人。',
      category: 'static',
      anonymous: false,
      reporter: { name: '刘欢' },
    });
    if (created.status !== 201) return this.o.onError?.('create', created.body?.error?.message ?? String(created.status));
    const id = (this.made.loop = created.body.hazard.id as string);
    const waiting = await call('POST', '/api/v1/hazards', tokens.worker, { ...place, title: '采场顶板浮石未及时清理', description: '301采场东侧顶板有浮石，未见敲帮问顶记录。', anonymous: true });
    if (waiting.status === 201) this.made.waiting = waiting.body.hazard.id;
    const deadline = Date.now() + 2 * 86_400_000;
    const steps: [string, Record<string, unknown>][] = [
      ['verify', { action: 'verify', note: '已受理，安排现场核查' }],
      ['confirm', { action: 'confirm', level: 'general', category: 'static', note: '现场核实属实：吊链第 3 节隐蔽断口' }],
      ['reward', { action: 'reward', amount: 500 }],
      ['assign', { action: 'assign', owner: '机修班 王师傅', measures: '停用行车，更换整条吊链', funds: 2000, deadline }],
      ['rectify', { action: 'rectify', evidence: '已更换吊链并试吊合格，附更换记录' }],
      ['close', { action: 'close', note: '验收合格，销号' }],
      ['publish', { action: 'publish', note: '通报表彰' }],
    ];
    for (const [name, body] of steps) {
      await sleep(step);
      if (this.stopped) return;
      const r = await call('POST', `/api/v1/hazards/${id}/actions`, tokens.officer, body);
      if (r.status !== 200) return this.o.onError?.(name, r.body?.error?.message ?? String(r.status));
    }
  }
}

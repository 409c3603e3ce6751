// What `hazardline demo` prints and starts besides the gateway and the simulators (issue 14): the
// console addresses with their tokens, the incidents it will raise by itself, and the worker's
// report taken through the loop by the demo's people over the gateway's own API.
import type { Config } from './config/schema.ts';
import type { Gateway } from './main.ts';
import type { ScriptedIncident } from '../../simulators/src/demo-incidents.ts';
import { DemoStory } from '../../simulators/src/demo-story.ts';

const tokenOf = (config: Config, role: string) => config.auth.tokens.find((t) => t.role === role)?.token;

export function demoBanner(config: Config, httpPort: number, mqttPort: number, incidents: readonly ScriptedIncident[]): string {
  const base = `http://127.0.0.1:${httpPort}`;
  const q = (role: string) => {
    const t = tokenOf(config, role);
    return t ? `?token=${encodeURIComponent(t)}` : '';
  };
  const worker = config.auth.tokens.find((t) => t.role === 'worker');
  const lines = [
    `hazardline demo: ${base}/  health ${base}/healthz  mqtt://127.0.0.1:${mqttPort}`,
    `  调度台 dispatcher   ${base}/${q('dispatcher')}`,
    `  企业端 officer      ${base}/officer${q('officer')}`,
    `  监管端 regulator    ${base}/regulator${q('regulator')}`,
    `  安全举手 worker     ${base}/report${q('worker')}${worker?.enterprises[0] ? `&enterprise=${worker.enterprises[0]}` : ''}`,
    `  公示 public         ${base}/public`,
    `  admin token: ${tokenOf(config, 'admin') ?? '—'} (the demo's tokens are in gateway/src/config/demo.yaml, for the demo only)`,
  ];
  const start = incidents[0]?.at;
  if (start !== undefined) {
    const firstOf = (family: ScriptedIncident['family']) => incidents.find((i) => i.family === family);
    const rel = (i: ScriptedIncident | undefined) => (i ? `+${Math.round((i.at - Date.now()) / 1000)} s` : '');
    lines.push('incidents it raises by itself (then again every few minutes):');
    const firsts = (['gas', 'personnel', 'belt', 'power', 'seal', 'video'] as const).flatMap((f) => firstOf(f) ?? []).sort((a, b) => a.at - b.at);
    for (const i of firsts) lines.push(`  ${rel(i).padEnd(8)} ${i.zh} (${i.device})`);
    lines.push("  +45 s    a worker's report (刘欢) taken through the loop by the officer, one step every 30 s; a second one left for you at /officer");
  }
  return `${lines.join('\n')}\n`;
}

/** The worker's report through the loop, over the gateway's API with the demo's tokens. */
export function startDemoStory(gw: Gateway, config: Config, timing: { stepMs?: number; firstAfterMs?: number } = {}): DemoStory | undefined {
  const worker = tokenOf(config, 'worker');
  const officer = config.auth.tokens.find((t) => t.role === 'officer');
  const ent = config.enterprises.find((e) => officer?.enterprises.includes(e.id));
  const site = ent?.sites[0];
  if (!worker || !officer || !ent || !site) return undefined;
  const story = new DemoStory({
    call: async (method, url, token, body) => {
      const r = await gw.api.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body !== undefined ? { payload: body as object } : {}) });
      return { status: r.statusCode, body: r.json() };
    },
    tokens: { worker, officer: officer.token },
    enterprise: ent.id,
    site: site.id,
    zone: site.zones.find((z) => !z.highRisk)?.id ?? site.zones[0]?.id,
    onError: (step, message) => gw.log.warn({ step, message }, 'demo story step refused'),
    ...timing,
  });
  story.run().catch((err: Error) => gw.log.warn({ err }, 'demo story stopped'));
  return story;
}

// Issue 12 item 9: the rows a regulator relies on — reward amounts, declared status (the input
// of the 明停暗开 rules), a hazard's assignment — are chained; editing them in the database makes
// `hazardline audit verify` exit 2 naming the row. A declaration cannot be backdated past the bound.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hazard } from '../../gateway/src/hazards/types.ts';
import { startTestGateway, TEST_TOKENS, writeConfigFile, rawTestConfig, type TestGateway } from '../helpers/gateway.ts';

const BIN = fileURLToPath(new URL('../../bin/hazardline.mjs', import.meta.url));
const verify = async (file: string) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, 'audit', 'verify', '-c', file], { env: { ...process.env, LOG_LEVEL: 'error' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

const T = { worker: 'tk-worker', officer: 'tk-officer' };
const tokens = [
  { token: TEST_TOKENS.admin, role: 'admin' },
  { token: T.worker, role: 'worker', enterprises: ['ent-a'], name: 'worker-17' },
  { token: T.officer, role: 'officer', enterprises: ['ent-a'], name: '安全员王' },
];
let t: TestGateway;
const call = async (method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: unknown) => {
  const res = await t.gw.api.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: payload as object });
  return { status: res.statusCode, body: res.json() };
};
const declare = (payload: Record<string, unknown>) => call('PUT', '/api/v1/enterprises/ent-a/declared-status', T.officer, payload);

beforeAll(async () => {
  t = await startTestGateway({ auth: { tokens } });
});
afterAll(async () => {
  await t?.stop();
});

describe('declared status cannot be backdated (issue 12 item 9)', () => {
  it('from: 0 and a from older than declarations.maxBackdateHours are 400 on field from; so is a from far ahead; within the bound is 200', async () => {
    const zero = await declare({ status: 'stopped', from: 0, reason: '停产整顿' });
    expect(zero.status).toBe(400);
    expect(zero.body.error).toMatchObject({ code: 'HL_ERR_BAD_REQUEST', field: 'from' });
    const now = t.gw.clock.now();
    expect((await declare({ status: 'stopped', from: now - 25 * 3_600_000 })).body.error?.field).toBe('from');
    expect((await declare({ status: 'stopped', from: new Date(now + 3_600_000).toISOString() })).body.error?.field).toBe('from');
    expect((await declare({ status: 'stopped', from: now - 3_600_000, reason: '停产整顿' })).status).toBe(200);
  });
});

describe('audit verify cross-checks the rows (issue 12 item 9)', () => {
  it("a hazard mirrored from an edge and then changed by a sync row (no step) still verifies: the sync is chained", async () => {
    const created = await call('POST', '/api/v1/hazards', T.worker, { enterprise: 'ent-a', site: 's1', title: '护栏缺失', category: 'static' });
    const base = { ...(await t.gw.records!.hazards.get<Hazard>(created.body.hazard.id))!, id: 'hz_mirrored', reportCode: undefined };
    const entry = { at: t.gw.clock.now(), action: 'create', from: null, to: 'reported', actor: { role: 'worker', id: 'w1' }, note: null };
    await t.gw.hazards!.mirror('edge-x', base as never, entry as never, { epoch: 1, seq: 1 });
    const rect = { owner: '班长', measures: '补装护栏', funds: 300, deadline: t.gw.clock.now() + 86_400_000 };
    await t.gw.hazards!.mirror('edge-x', { ...base, state: 'rectifying', level: 'general', rectification: rect } as never, null, { epoch: 1, seq: 2 });
    expect(await t.gw.records!.audit.verifyRows()).toMatchObject({ ok: true });
    const last = (await t.gw.records!.audit.entries(0, 100_000, { kind: 'hazard', ref: 'hz_mirrored' })).at(-1)!;
    expect(last).toMatchObject({ action: 'sync', actor: 'edge:edge-x' });
  });

  it('an edited reward amount, assignment or declaration makes audit verify exit 2 naming it', async () => {
    const created = await call('POST', '/api/v1/hazards', T.worker, { enterprise: 'ent-a', site: 's1', title: '吊链隐蔽断口', description: '10 t 行车吊链有隐蔽断口', category: 'static' });
    const id = created.body.hazard.id as string;
    const deadline = new Date(t.gw.clock.now() + 7 * 86_400_000).toISOString();
    for (const [step, body] of [
      ['verify', {}],
      ['confirm', { level: 'general' }],
      ['assign', { owner: '机电队张', measures: '更换吊链', funds: 800, deadline }],
      ['rectify', { evidence: '已更换' }],
      ['close', { note: '验收合格' }],
      ['reward', { amount: 500 }],
    ] as const) {
      const r = await call('POST', `/api/v1/hazards/${id}/actions`, T.officer, { action: step, ...body });
      expect(r.status, `${step}: ${JSON.stringify(r.body)}`).toBe(200);
    }
    const dataDir = t.dataDir;
    const file = writeConfigFile(dataDir, await rawTestConfig(dataDir));
    await t.stop({ keepData: true });
    const ok = await verify(file);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^records: \d+ rows match their audit entries$/m);

    const db = new Database(join(dataDir, 'records.db'));
    const tamper = async (edit: string, undo: string, expected: RegExp) => {
      db.exec(edit);
      const bad = await verify(file);
      db.exec(undo);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(expected);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    };
    try {
      await tamper(`UPDATE reward_ledger SET amount = 5000`, `UPDATE reward_ledger SET amount = 500`, new RegExp(`reward ledger row 1 \\(hazard ${id}\\) does not match its audit entry \\d+ \\(amount: 500 in the chain, 5000 in the table`));
      await tamper(`UPDATE hazards SET doc = replace(doc, '"funds":800', '"funds":80')`, `UPDATE hazards SET doc = replace(doc, '"funds":80', '"funds":800')`, new RegExp(`hazard ${id} does not match its audit entry \\d+ \\(rectification: .*"funds":800.* in the chain, .*"funds":80[,}].* in the table`));
      await tamper(`UPDATE hazards SET doc = replace(doc, '"amount":500', '"amount":3000')`, `UPDATE hazards SET doc = replace(doc, '"amount":3000', '"amount":500')`, new RegExp(`hazard ${id} does not match its audit entry \\d+ \\(reward: `));
      await tamper(`UPDATE status_declarations SET status = 'producing'`, `UPDATE status_declarations SET status = 'stopped'`, /declared-status row 1 \(enterprise ent-a\) does not match its audit entry \d+ \(status: "stopped" in the chain, "producing" in the table\)/);
      expect((await verify(file)).code).toBe(0);
    } finally {
      db.close();
    }
  }, 60_000);
});

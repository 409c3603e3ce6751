// The contract of one record repository: AuditLog (audit-log.ts, row-check.ts): the chain and the rows it covers.
// Run on every backend by test/contracts/records/index.ts (SQLite and PostgreSQL).
import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordStore } from '../../../gateway/src/records/record-store.ts';
import { BIG_MS, type RecordsContext } from './fixtures.ts';

export function auditLogContract(c: RecordsContext): void {
  describe('AuditLog (audit-log.ts, row-check.ts)', () => {
    let store: RecordStore;
    const exec = c.exec;
    beforeAll(() => {
      store = c.store();
    });

  describe('audit chain (全程留痕)', () => {
    const entry = (i: number) => ({ kind: 'alarm', ref: `al_audit_${i}`, action: i % 2 ? 'raise' : 'ack', actor: i % 2 ? 'system' : '调度员甲', at: BIG_MS + i, payload: { note: `第 ${i} 条`, value: i / 3, nested: { b: 1, a: [1, 2] } } });

    // earlier tests chained their declarations: seqs count from the head they left
    let h0 = 0;
    it('chains appended entries; an intact chain verifies and reports its head', async () => {
      h0 = (await store.audit.head()).seq;
      const first = await store.audit.append([entry(1), entry(2)]);
      const more = await store.transaction((tx) => tx.audit.append([entry(3)]));
      expect([...first, ...more].map((e) => e.seq)).toEqual([h0 + 1, h0 + 2, h0 + 3]);
      expect(more[0].prevHash).toBe(first[1].hash);
      expect(await store.audit.head()).toEqual({ seq: h0 + 3, hash: more[0].hash });
      expect(await store.audit.verify(2)).toEqual({ ok: true, entries: h0 + 3, head: { seq: h0 + 3, hash: more[0].hash } });
      expect((await store.audit.entries(0, 10, { kind: 'alarm', ref: 'al_audit_2' })).map((e) => e.actor)).toEqual(['调度员甲']);
    });

    it('detects an edited entry and a deleted one', async () => {
      await store.audit.append([entry(4), entry(5)]);
      const s2 = h0 + 2;
      await exec(`UPDATE audit_log SET actor = 'someone-else' WHERE seq = ${s2}`);
      expect(await store.audit.verify()).toMatchObject({ ok: false, problem: { seq: s2, problem: 'edited' } });
      await exec(`DELETE FROM audit_log WHERE seq = ${s2}`);
      expect(await store.audit.verify()).toMatchObject({ ok: false, problem: { seq: s2, problem: 'missing' } });
      // deleting and renumbering the rest still breaks the link
      await exec(`UPDATE audit_log SET seq = seq - 1 WHERE seq > ${s2}`);
      expect(await store.audit.verify()).toMatchObject({ ok: false, problem: { seq: s2, problem: 'edited' } });
    });
  });

  describe('rows a regulator relies on are chained; audit verify cross-checks them (issue 12 item 9)', () => {
    const rect = { owner: '张工', measures: '更换吊链', funds: 2000, deadline: BIG_MS + 86_400_000, plan: '停机更换' };
    const doc = { id: 'hz_rw', enterprise: 'ent-rw', jurisdiction: 'taian', state: 'rectifying', level: 'major', source: 'worker', reportedAt: BIG_MS, title: '吊链断口', rectification: rect };
    const problem = async () => {
      const r = await store.audit.verifyRows();
      return r.ok ? undefined : r.mismatch;
    };

    it('a declaration and a reward are chained with their values; intact rows verify', async () => {
      await store.declarations.add({ enterprise: 'ent-rw', status: 'stopped', from: BIG_MS + 100, reason: '停产整顿', actor: 'officer-1', at: BIG_MS + 100 });
      await store.hazards.save(doc, BIG_MS, true);
      await store.audit.append([{ kind: 'hazard', ref: 'hz_rw', action: 'assign', actor: 'officer:o1', at: BIG_MS + 1, payload: { from: 'confirmed', to: 'rectifying', level: 'major', enterprise: 'ent-rw', note: null, rectification: rect, reward: null } }]);
      await store.hazards.addReward({ hazardId: 'hz_rw', reporterId: 'rp_rw', amount: 50, tier: '1', payer: 'officer-1', paidAt: BIG_MS + 200 });
      const entries = await store.audit.entries(0, 100_000);
      const decl = entries.filter((e) => e.kind === 'declared-status').map((e) => JSON.parse(e.payload));
      expect(decl).toContainEqual({ enterprise: 'ent-rw', status: 'stopped', from: BIG_MS + 100, reason: '停产整顿', actor: 'officer-1', at: BIG_MS + 100 });
      const reward = entries.filter((e) => e.kind === 'reward').map((e) => JSON.parse(e.payload)).find((p) => p.hazardId === 'hz_rw');
      expect(reward).toMatchObject({ amount: 50, tier: '1', payer: 'officer-1', paidAt: BIG_MS + 200, row: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(JSON.stringify(reward)).not.toContain('rp_rw'); // the reporter reference only inside the row hash
      expect(await store.audit.verifyRows()).toMatchObject({ ok: true });
    });

    it('an edited reward amount is found, naming the row and the field', async () => {
      await exec(`UPDATE reward_ledger SET amount = 5000 WHERE hazard_id = 'hz_rw'`);
      expect(await problem()).toMatchObject({ what: expect.stringMatching(/^reward ledger row \d+ \(hazard hz_rw\)$/), detail: expect.stringContaining('amount: 50 in the chain, 5000 in the table') });
      await exec(`UPDATE reward_ledger SET amount = 50 WHERE hazard_id = 'hz_rw'`);
      await exec(`UPDATE reward_ledger SET reporter_id = 'rp_other' WHERE hazard_id = 'hz_rw'`);
      expect(await problem()).toMatchObject({ detail: expect.stringContaining('row:') });
      await exec(`UPDATE reward_ledger SET reporter_id = 'rp_rw' WHERE hazard_id = 'hz_rw'`);
      expect(await problem()).toBeUndefined();
    });

    it('an edited (backdated) declaration is found', async () => {
      await exec(`UPDATE status_declarations SET valid_from = 0 WHERE enterprise = 'ent-rw'`);
      expect(await problem()).toMatchObject({ what: expect.stringMatching(/^declared-status row \d+ \(enterprise ent-rw\)$/), detail: expect.stringContaining(`from: ${BIG_MS + 100} in the chain, 0 in the table`) });
      await exec(`UPDATE status_declarations SET valid_from = ${BIG_MS + 100} WHERE enterprise = 'ent-rw'`);
      expect(await problem()).toBeUndefined();
    });

    it("an edited assignment (a hazard's rectification funds) is found", async () => {
      await exec(`UPDATE hazards SET doc = replace(doc, '"funds":2000', '"funds":20') WHERE id = 'hz_rw'`);
      expect(await problem()).toMatchObject({ what: 'hazard hz_rw', detail: expect.stringContaining('rectification:') });
      await exec(`UPDATE hazards SET doc = replace(doc, '"funds":20', '"funds":2000') WHERE id = 'hz_rw'`);
      expect(await problem()).toBeUndefined();
    });

    it('a row added or deleted outside the gateway is found', async () => {
      await exec(`INSERT INTO reward_ledger (hazard_id, reporter_id, amount, tier, payer, paid_at) VALUES ('hz_rw', NULL, 3000, '6', 'someone', ${BIG_MS})`);
      expect(await problem()).toMatchObject({ seq: null, detail: expect.stringContaining('not in the audit chain') });
      await exec(`DELETE FROM reward_ledger WHERE hazard_id = 'hz_rw'`);
      expect(await problem()).toMatchObject({ what: expect.stringMatching(/^reward ledger row \d+$/), detail: 'deleted from the table' });
    });
  });
  });
}

// The contract of one record repository: VerificationRecords (verification-records.ts): offline verification tasks, CONTRACT §7.
// Run on every backend by test/contracts/records/index.ts (SQLite and PostgreSQL).
import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordStore } from '../../../gateway/src/records/record-store.ts';
import { BIG_MS, type RecordsContext } from './fixtures.ts';

export function verificationsContract(c: RecordsContext): void {
  describe('VerificationRecords (verification-records.ts)', () => {
    let store: RecordStore;
    beforeAll(() => {
      store = c.store();
    });

  it('verification tasks: round trip, scoped by jurisdiction, newest first, updated in place', async () => {
    const v = (id: string, over: Record<string, unknown> = {}) => ({ id, enterprise: 'ent-v', jurisdiction: 'taian', state: 'open', createdAt: BIG_MS, finding: '明停暗开：夜间负荷', alarmIds: ['al_1'], dueBy: BIG_MS + 86_400_000, ...over });
    await store.verifications.save(v('vf_1'), true);
    await store.verifications.save(v('vf_2', { createdAt: BIG_MS + 1, jurisdiction: 'jinan' }), true);
    expect(await store.verifications.get('vf_1')).toEqual(v('vf_1'));
    expect((await store.verifications.list<{ id: string }>({ jurisdictions: ['taian', 'jinan'] })).map((x) => x.id).filter((x) => x.startsWith('vf_'))).toEqual(['vf_2', 'vf_1']);
    expect((await store.verifications.list<{ id: string }>({ jurisdictions: ['jinan'] })).map((x) => x.id)).toEqual(['vf_2']);
    expect(await store.verifications.list({ jurisdictions: [] })).toEqual([]);
    await store.verifications.save(v('vf_1', { state: 'confirmed' }), false);
    expect((await store.verifications.list<{ id: string }>({ jurisdictions: ['taian'], state: 'confirmed' })).map((x) => x.id)).toEqual(['vf_1']);
  });
  });
}

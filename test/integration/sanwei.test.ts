// 三违 records (issue 17, docs/sanwei.md) through the API: recorded from a video analytics alarm
// (its place, time and snapshot taken), by an officer and from a regulator's inspection; the
// person is named to the enterprise's officers only — dispatchers and regulators see 刘* and no
// badge; the count per person; the audit chain; roles and scope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../gateway/src/config/load.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { Gateway } from '../../gateway/src/main.ts';
import { rawTestConfig, tempDir } from '../helpers/gateway.ts';

const T = { officer: 'tk-officer', dispatcher: 'tk-disp', regulator: 'tk-reg', otherReg: 'tk-reg-jinan', worker: 'tk-worker' };
let gw: Gateway;
const call = async (method: 'GET' | 'POST', url: string, token: string, payload?: unknown) => {
  const r = await gw.api.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: payload as object });
  return { status: r.statusCode, body: r.json() };
};

beforeAll(async () => {
  const raw = await rawTestConfig(tempDir(), {});
  raw.enterprises[0].sites[0].devices.push({ id: 'cam-1', kind: 'camera', zone: 'z-stope-301' });
  raw.auth.tokens.push(
    { token: T.officer, role: 'officer', enterprises: ['ent-a'], name: '甲矿安全员张工' },
    { token: T.dispatcher, role: 'dispatcher', enterprises: ['ent-a'], name: '甲矿调度' },
    { token: T.regulator, role: 'regulator', jurisdictions: ['taian'], name: '泰安应急局孙科长' },
    { token: T.otherReg, role: 'regulator', jurisdictions: ['jinan'], name: '济南应急局' },
    { token: T.worker, role: 'worker', enterprises: ['ent-a'], name: '职工刘' },
  );
  gw = new Gateway(parseConfig(raw), { log: createLogger({ level: 'silent' }) });
  await gw.start();
});
afterAll(async () => {
  await gw?.stop();
});

describe('三违 records', () => {
  it('from a video alarm, by an officer and from an inspection; named to officers, masked to dispatchers and regulators', async () => {
    const ts = Date.now() - 60_000;
    gw.alarms!.handle({ rule: 'video.violation', key: 'video.violation|ent-a/s1/cam-1|helmet_missing', subject: { enterprise: 'ent-a', site: 's1', zone: 'z-stope-301', device: 'cam-1' }, active: true, severity: 'yellow', ts, value: 1, message: { zh: 'AI视频识别违规：未戴安全帽', en: 'Video analytics violation: No hard hat' }, evidence: { type: 'helmet_missing', snapshot: 'https://nvr.example/snap/1.jpg' } });
    await gw.alarms!.flush();
    const alarm = gw.alarms!.openAlarms().find((a) => a.rule === 'video.violation')!;
    const fromVideo = await call('POST', '/api/v1/sanwei', T.officer, { alarmId: alarm.id, person: { name: '刘大海', badge: 'A-017' }, description: '301采场未戴安全帽作业', penalty: '罚款100元，安全培训2学时' });
    expect(fromVideo.status, JSON.stringify(fromVideo.body)).toBe(201);
    expect(fromVideo.body.record).toMatchObject({ enterprise: 'ent-a', site: 's1', zone: 'z-stope-301', kind: 'operation', source: 'video', alarmId: alarm.id, snapshot: 'https://nvr.example/snap/1.jpg', person: { name: '刘大海', badge: 'A-017' }, occurredAt: new Date(ts).toISOString(), recordedByName: '甲矿安全员张工' });
    expect((await call('POST', '/api/v1/sanwei', T.officer, { enterprise: 'ent-a', kind: 'discipline', person: { name: '刘大海', badge: 'A-017' }, description: '班中睡岗' })).body.record.source).toBe('officer');
    expect((await call('POST', '/api/v1/sanwei', T.regulator, { enterprise: 'ent-a', kind: 'command', person: { name: '王强' }, description: '带班矿长违章指挥冒险作业' })).body.record).toMatchObject({ source: 'inspection', person: { name: '王*', badge: null } });

    // another worker of the same family name: a person of their own, to regulators as well
    expect((await call('POST', '/api/v1/sanwei', T.officer, { enterprise: 'ent-a', kind: 'discipline', person: { name: '刘小明', badge: 'B-002' }, description: '班中玩手机' })).status).toBe(201);
    const officer = (await call('GET', '/api/v1/sanwei', T.officer)).body;
    expect(officer.records).toHaveLength(4);
    expect(officer.byPerson.map((p: any) => [p.person.name, p.person.badge, p.count])).toEqual([['刘大海', 'A-017', 2], ['刘小明', 'B-002', 1], ['王强', null, 1]]);
    for (const token of [T.dispatcher, T.regulator]) {
      const seen = (await call('GET', '/api/v1/sanwei', token)).body;
      expect(seen.records.map((r: any) => r.person)).toEqual([{ name: '刘*', badge: null }, { name: '王*', badge: null }, { name: '刘*', badge: null }, { name: '刘*', badge: null }]);
      expect(seen.byPerson.map((p: any) => [p.person.name, p.count])).toEqual([['刘*', 2], ['刘*', 1], ['王*', 1]]);
      expect(JSON.stringify(seen)).not.toContain('刘大海');
      expect(JSON.stringify(seen)).not.toContain('B-002');
      expect(JSON.stringify(seen)).not.toContain('A-017');
    }
    const audit = await gw.records!.audit.entries(0, 1000, { kind: 'sanwei', ref: fromVideo.body.record.id });
    expect(audit.map((e) => e.action)).toEqual(['record']);
  });

  it('roles and scope: a worker may not record; out of scope answers as unknown; a bad body names its field', async () => {
    expect((await call('POST', '/api/v1/sanwei', T.worker, { enterprise: 'ent-a', person: { name: 'x' }, description: 'x' })).status).toBe(403);
    expect((await call('POST', '/api/v1/sanwei', T.otherReg, { enterprise: 'ent-a', person: { name: 'x' }, description: 'x' })).status).toBe(404);
    expect((await call('GET', '/api/v1/sanwei', T.otherReg)).body.records).toEqual([]);
    const r = await call('POST', '/api/v1/sanwei', T.officer, { enterprise: 'ent-a', person: {}, description: 'x' });
    expect([r.status, r.body.error.field]).toEqual([400, 'person.name']);
  });
});

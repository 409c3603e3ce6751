// Configuration schema (CONTRACT §2), validated with zod so that every error carries
// its path. Defaults here are the documented defaults of docs/config.md.
import { z } from 'zod';
import { DEVICE_KINDS } from '../model/types.ts';
import { secretProblem, tokenDigest } from '../auth/secret.ts';
import { actorIds } from './actor-ids.ts';
import { notifyConfigSchema } from '../notify/notify-config.ts';
import { reportsConfigSchema } from '../reports/report-config.ts';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .number({ error: 'expected integer' })
    .int({ error: `expected integer >= ${min}` })
    .min(min, { error: `expected integer >= ${min}` })
    .max(max, { error: `expected integer <= ${max}` });
const num = (min: number) =>
  z.number({ error: 'expected number' }).min(min, { error: `expected number >= ${min}` });
const id = z
  .string({ error: 'expected string' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { error: 'expected an id of letters, digits, "_", "-" or "." (1-64 chars)' });
const str = z.string({ error: 'expected string' }).min(1, { error: 'expected non-empty string' });
const port = int(0, 65535);

const zone = z.strictObject({
  id,
  name: z.string().optional(),
  maxPersons: int(1).optional(),
  highRisk: z.boolean().default(false),
  restricted: z.boolean().default(false),
});

const device = z.strictObject({
  id,
  name: z.string().optional(),
  kind: z.enum(DEVICE_KINDS, { error: `expected one of ${DEVICE_KINDS.join(' | ')}` }),
  zone: id.optional(),
  /** expected reporting interval; `device.offline` after 5 × this (DOMAIN.md §2) */
  intervalSeconds: num(0.001).default(30),
});

const site = z.strictObject({
  id,
  name: z.string().optional(),
  zones: z.array(zone).default([]),
  devices: z.array(device).default([]),
});

const enterprise = z.strictObject({
  id,
  name: z.string().optional(),
  sector: z.enum(['metal-nonmetal-mine', 'hazardous-chemicals', 'industry-trade']).default('industry-trade'),
  jurisdiction: z.string().default(''),
  declaredStatus: z.enum(['producing', 'stopped', 'rectifying']).default('producing'),
  approvedCapacity: z
    .strictObject({ tonnesPerDay: num(0).optional(), tonnesPerMonth: num(0).optional() })
    .default({}),
  power: z.strictObject({ idleKw: num(0), productionKw: num(0) }).optional(),
  sites: z.array(site).default([]),
});

/**
 * A node is a metric (its value a reading) or an event source (issue 17): `event: TYPE` makes a
 * flag (true / non-zero) or a text (JSON detail) an event of that type; `event: '*'` takes the
 * type from a JSON text `{"type": ..., "detail": {...}}` (CONTRACT §4).
 */
const opcuaNode = z
  .strictObject({ nodeId: str, device: id, metric: str.optional(), event: z.string().regex(/^(\*|[A-Za-z0-9_.:-]{1,100})$/, { error: 'expected an event type id or *' }).optional() })
  .refine((n) => (n.metric === undefined) !== (n.event === undefined), { error: 'expected exactly one of metric or event' });
const opcua = z.strictObject({
  endpoint: z.string().regex(/^opc\.tcp:\/\//, { error: 'expected an opc.tcp:// URL' }),
  enterprise: id.optional(),
  site: id,
  securityMode: z.enum(['None', 'Sign', 'SignAndEncrypt']).default('None'),
  securityPolicy: z.string().default('None'),
  username: z.string().optional(),
  password: z.string().optional(),
  samplingIntervalMs: int(0).default(1000),
  /** monitored items are created in chunks of this size */
  chunkSize: int(1).default(500),
  nodes: z.array(opcuaNode).min(1, { error: 'expected at least one node' }),
});

const sqliteStore = z.strictObject({ type: z.literal('sqlite'), path: z.string().optional() });
const influxV1Store = z.strictObject({
  type: z.literal('influxdb-v1'),
  url: str,
  database: str,
  username: z.string().optional(),
  password: z.string().optional(),
  retentionPolicy: z.string().optional(),
  /** per-request timeout; a store that accepts connections but never answers fails after it */
  timeoutMs: int(100).default(10_000),
});
const influxV2Store = z.strictObject({
  type: z.literal('influxdb-v2'),
  url: str,
  org: str,
  bucket: str,
  token: z.string().default(''),
  timeoutMs: int(100).default(10_000),
});

const tokenEntry = z.strictObject({
  token: str,
  role: z.enum(['worker', 'dispatcher', 'officer', 'regulator', 'admin']),
  /** the person (or station) behind the token, as recorded on every action; unique across tokens (else `name`, else derived from role and scope) */
  id: id.optional(),
  name: z.string().min(1).optional(),
  enterprises: z.array(id).default([]),
  jurisdictions: z.array(z.string()).default([]),
});
const deviceCred = z.strictObject({
  username: str,
  password: str,
  enterprise: id,
  site: id,
  device: id.optional(),
});
/** central mode: an edge gateway allowed to uplink for these enterprises (and, when given, only these sites: `enterprise/site`) */
const edgeCred = z.strictObject({ username: id, password: str, enterprises: z.array(id).min(1, { error: 'expected at least one enterprise' }), sites: z.array(z.string().regex(/^[^/]+\/[^/]+$/, { error: 'expected enterprise/site' })).optional() });

/** gateway.http: where the API listens, and what keeps it standing (issue 12 items 11–13; api/http-guard.ts) */
const G = {
  headersTimeoutSeconds: 10,
  requestTimeoutSeconds: 60,
  keepAliveTimeoutSeconds: 5,
  maxConnections: 1000,
  mediaOrigins: [] as string[],
  rateLimit: { failedLogins: 20, failedLoginWindowSeconds: 300, reportCodeLookupsPerMinute: 20, workerReportsPerHour: 20 },
};
const httpSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: port.default(8080),
  /** HTTPS (and WSS) with these PEM files */
  tls: z.strictObject({ cert: str, key: str, ca: z.string().optional() }).optional(),
  headersTimeoutSeconds: int(1, 600).default(G.headersTimeoutSeconds),
  requestTimeoutSeconds: int(1, 3600).default(G.requestTimeoutSeconds),
  keepAliveTimeoutSeconds: int(1, 600).default(G.keepAliveTimeoutSeconds),
  maxConnections: int(1).default(G.maxConnections),
  /** origins (scheme://host[:port]) of video boxes and NVRs whose snapshots and clips the consoles may show (CSP img-src, media-src; issue 17) */
  mediaOrigins: z.array(z.string().regex(/^https?:\/\/[^/\s?#]+$/, { error: 'expected an origin like https://nvr.plant.local:8443 (no path)' })).default([]),
  rateLimit: z
    .strictObject({
      failedLogins: int(1).default(G.rateLimit.failedLogins),
      failedLoginWindowSeconds: int(1).default(G.rateLimit.failedLoginWindowSeconds),
      reportCodeLookupsPerMinute: int(1).default(G.rateLimit.reportCodeLookupsPerMinute),
      workerReportsPerHour: int(1).default(G.rateLimit.workerReportsPerHour),
    })
    .default(G.rateLimit),
});
const HTTP_DEFAULTS = { host: '127.0.0.1', port: 8080, ...G };
export type HttpConfig = z.infer<typeof httpSchema>;
/** every gateway.http default (for an API built without a config, as in unit tests) */
export const HTTP_CONFIG_DEFAULTS: HttpConfig = HTTP_DEFAULTS;

/** TLS files (PEM), read at start */
const tlsFiles = z.strictObject({ ca: z.string().optional(), cert: z.string().optional(), key: z.string().optional() });

export const configSchema = z
  .strictObject({
    gateway: z
      .strictObject({
        id: id.default('gw-01'),
        mode: z.enum(['standalone', 'edge', 'central', 'cluster']).default('standalone'),
        http: httpSchema.default(HTTP_DEFAULTS),
        dataDir: z.string().default('./.hazardline'),
        timezone: z.string().default('Asia/Shanghai'),
      })
      .default({ id: 'gw-01', mode: 'standalone', http: HTTP_DEFAULTS, dataDir: './.hazardline', timezone: 'Asia/Shanghai' }),
    mqtt: z
      .strictObject({
        embedded: z
          .strictObject({
            port: port.default(1883),
            host: z.string().default('0.0.0.0'),
            /** an MQTT-over-TLS listener beside the plain one (edges uplinking over the internet) */
            tls: z.strictObject({ port: port.default(8883), cert: str, key: str, ca: z.string().optional() }).optional(),
          })
          .optional(),
        url: z.string().regex(/^(mqtts?|wss?|tcp):\/\//, { error: 'expected an mqtt://, mqtts://, ws:// or wss:// URL' }).optional(),
        clientId: z.string().optional(),
        username: z.string().optional(),
        password: z.string().optional(),
        autoRegister: z.boolean().default(false),
        /** CONTRACT §3.5: larger messages are rejected */
        maxPayloadBytes: int(1).default(256 * 1024),
        /** distinct metric names one device may use; a message adding one beyond is rejected (too_many_metrics) */
        maxMetricsPerDevice: int(1, 100_000).default(256),
        /** the Sparkplug host application id of STATE (default hazardline-{gateway.id}); no + # or / */
        sparkplugHostId: z.string().regex(/^[^+#/]{1,100}$/, { error: 'expected 1-100 characters, none of + # /' }).optional(),
      })
      .default({ autoRegister: false, maxPayloadBytes: 256 * 1024, maxMetricsPerDevice: 256 }),
    opcua: z.array(opcua).default([]),
    storage: z
      .strictObject({
        telemetry: z
          .discriminatedUnion('type', [sqliteStore, influxV1Store, influxV2Store], {
            error: 'expected type sqlite | influxdb-v1 | influxdb-v2',
          })
          .default({ type: 'sqlite' }),
        records: z.string().default('sqlite'),
      })
      .default({ telemetry: { type: 'sqlite' }, records: 'sqlite' }),
    wal: z
      .strictObject({
        /** upper bound of the WAL on disk; see `overflow` */
        maxBytes: int(1024 * 1024).default(1024 * 1024 * 1024),
        segmentBytes: int(64 * 1024).default(16 * 1024 * 1024),
        /** fdatasync before acknowledging (survives power loss); false survives process crashes only */
        fsync: z.boolean().default(true),
        overflow: z.enum(['reject-new', 'drop-oldest']).default('reject-new'),
        /** readings per telemetry-store batch */
        batchSize: int(1).default(5000),
      })
      .default({ maxBytes: 1024 * 1024 * 1024, segmentBytes: 16 * 1024 * 1024, fsync: true, overflow: 'reject-new', batchSize: 5000 }),
    /** edge mode: the central gateway this edge forwards to (docs/uplink.md) */
    uplink: z
      .strictObject({
        url: z.string().regex(/^(mqtts?|tcp|ssl):\/\//, { error: 'expected an mqtt:// or mqtts:// URL' }),
        /** further instances of a cluster (docs/cluster.md §10): after a failed or lost connection the next URL is tried, in turn */
        failover: z.array(z.string().regex(/^(mqtts?|tcp|ssl):\/\//, { error: 'expected an mqtt:// or mqtts:// URL' })).default([]),
        username: id,
        password: z.string().optional(),
        clientId: z.string().optional(),
        /** mqtts: CA of the central's certificate, and a client certificate if the central asks for one */
        tls: tlsFiles.extend({ rejectUnauthorized: z.boolean().default(true) }).optional(),
        /** the disk-backed forward queue in dataDir/uplink: bulk readings beyond it are dropped oldest first (alarms and hazards never) */
        queueMaxBytes: int(1024 * 1024).default(2 * 1024 * 1024 * 1024),
        /** backlog drain rate cap, readings per second (alarms and hazards are not counted and go first) */
        maxReadingsPerSecond: int(1).default(50_000),
        /** readings per uplink message at most (one message, one acknowledgement) */
        batchReadings: int(1).default(5000),
        /** bytes of queued JSON per uplink message at most, before compression (keep it well under the central's maxMessageBytes) */
        batchBytes: int(64 * 1024).default(4 * 1024 * 1024),
        /** uplink messages on the wire at once (one connection keeps them in order) */
        inflight: int(1, 64).default(4),
        keepaliveSeconds: int(5).default(30),
        /** wait before reconnecting after the link drops */
        reconnectSeconds: num(0.1).default(2),
        /** the link counts as down in /healthz after this long without a connection */
        degradedAfterSeconds: int(1).default(300),
      })
      .optional(),
    /** central mode: edges that stop sending are a finding (docs/uplink.md) */
    /** cluster mode: N instances on NATS JetStream, PostgreSQL and InfluxDB (docs/cluster.md) */
    cluster: z
      .strictObject({
        nats: z.strictObject({
          servers: z.array(z.string().min(1)).min(1),
          /** NATS user and password, or a token, when the servers require them */
          user: z.string().optional(),
          pass: z.string().optional(),
          token: z.string().optional(),
        }),
        /** fixed for the life of the cluster: an enterprise's partition is a hash of its id modulo this */
        partitions: int(1, 1024).default(16),
        /** copies of the ingest stream (RAFT): 3 survives the loss of one NATS node */
        replicas: int(1, 5).default(3),
        /** the JetStream stream that is the write-ahead log of every instance */
        stream: z.string().regex(/^[A-Za-z0-9_-]+$/).default('HL_INGEST'),
        /** how long the stream keeps a reading (hours): the longest outage an owner can replay */
        retentionHours: int(1).default(168),
        /** a partition's lease: an owner that has not renewed it for this long has lost it */
        leaseSeconds: int(3, 600).default(15),
        /** how often an instance renews its leases and says it is alive */
        heartbeatSeconds: int(1, 60).default(3),
        /** how often each owned partition saves its rule state with the stream sequence */
        snapshotSeconds: int(1, 3600).default(10),
      })
      .optional(),
    central: z
      .strictObject({
        /** no data from an edge's enterprise for this long (disconnected, or connected but silent) raises `uplink.edge-silent` */
        silentAfterSeconds: int(10).default(300),
        /** largest uplink message accepted (compressed bytes) */
        maxMessageBytes: int(64 * 1024).default(16 * 1024 * 1024),
      })
      .default({ silentAfterSeconds: 300, maxMessageBytes: 16 * 1024 * 1024 }),
    auth: z
      .strictObject({
        tokens: z.array(tokenEntry).default([]),
        devices: z.array(deviceCred).default([]),
        allowAnonymous: z.boolean().default(false),
        /** with allowAnonymous: the enterprise and site (and device) an MQTT client without credentials acts for; without it such a client may neither publish nor subscribe */
        anonymous: z.strictObject({ enterprise: id, site: id, device: id.optional() }).optional(),
        edges: z.array(edgeCred).default([]),
      })
      .default({ tokens: [], devices: [], allowAnonymous: false, edges: [] }),
    positioning: z.strictObject({ tagTtlSeconds: int(1).default(60) }).default({ tagTtlSeconds: 60 }),
    enterprises: z.array(enterprise).default([]),
    hazards: z
      .strictObject({
        /** reward tiers in yuan (DOMAIN.md §7: 50–3,000) */
        rewardTiers: z.array(num(1)).min(1).default([50, 100, 200, 500, 1000, 3000]),
        /** a worker's report is rewarded from `confirmed` on (seed 000: 核实确认后即刻足额兑付) or only once `closed` */
        rewardFrom: z.enum(['confirmed', 'closed']).default('confirmed'),
        /** a report found outside the reporter's own duties (岗位职责外, seed 003) is paid its tier times this */
        outsideDutiesMultiplier: num(1).default(2),
        /** largest photo accepted, bytes (413 beyond) */
        photoMaxBytes: int(1024).default(5 * 1024 * 1024),
        maxPhotos: int(1).default(9),
      })
      .default({ rewardTiers: [50, 100, 200, 500, 1000, 3000], rewardFrom: 'confirmed', outsideDutiesMultiplier: 2, photoMaxBytes: 5 * 1024 * 1024, maxPhotos: 9 }),
    /** webhook notifiers (generic JSON, WeCom and DingTalk group robots), routed by filters */
    notify: notifyConfigSchema,
    /** the PDF font, jurisdiction names, scheduled reports (issue 15) */
    reports: reportsConfigSchema,
    alarms: z
      .strictObject({
        /** suppression by design: a subject in maintenance raises `suppressed` alarms, not live ones (ISA-18.2) */
        maintenance: z
          .array(
            z.strictObject({
              enterprise: id,
              site: id.optional(),
              device: id.optional(),
              from: z.string().refine((v) => Number.isFinite(Date.parse(v)), { error: 'expected an RFC 3339 time' }),
              to: z.string().refine((v) => Number.isFinite(Date.parse(v)), { error: 'expected an RFC 3339 time' }),
              reason: str,
            }),
          )
          .default([]),
        /** an alarm nobody acknowledged is escalated once after this many minutes (and again when overdue) */
        escalateUnackedAfterMinutes: num(1).default(30),
        /** alarm changes waiting for the records database before new ones overflow (kept in memory, resynced, counted) */
        maxPendingWrites: int(100).default(50_000),
        /** /healthz `records` is degraded while writes fail, or once the oldest unwritten change is this old */
        recordsDegradedAfterSeconds: int(1).default(30),
        /** at stop, wait at most this long for the records database to take the backlog */
        stopFlushSeconds: int(0).default(10),
      })
      .default({ maintenance: [], escalateUnackedAfterMinutes: 30, maxPendingWrites: 50_000, recordsDegradedAfterSeconds: 30, stopFlushSeconds: 10 }),
    /** PUT /enterprises/{id}/declared-status: how far `from` may lie in the past (backdating) or ahead (clock skew) */
    declarations: z
      .strictObject({
        /** a declaration may take effect at most this long before now (400 on field `from` beyond) */
        maxBackdateHours: num(0).default(24),
        /** and at most this far ahead of now */
        maxAheadSeconds: num(0).default(300),
      })
      .default({ maxBackdateHours: 24, maxAheadSeconds: 300 }),
    rules: z
      .strictObject({
        packs: z.array(z.string()).default(['builtin']),
        files: z.array(z.string()).default([]),
        overrides: z.array(z.record(z.string(), z.unknown())).default([]),
        /** how often the rule engine's windows and counters are saved (and always at stop) */
        stateSnapshotSeconds: int(5).default(10),
      })
      .default({ packs: ['builtin'], files: [], overrides: [], stateSnapshotSeconds: 10 }),
  })
  .superRefine(crossCheck, { when: () => true });

export type Config = z.infer<typeof configSchema>;
export type EnterpriseConfig = z.infer<typeof enterprise>;
export type DeviceConfig = z.infer<typeof device>;
export type OpcuaConfig = z.infer<typeof opcua>;
export type TokenConfig = z.infer<typeof tokenEntry>;
export type DeviceCredential = z.infer<typeof deviceCred>;
export type EdgeCredential = z.infer<typeof edgeCred>;
export type UplinkConfig = NonNullable<z.infer<typeof configSchema>['uplink']>;
export type TelemetryStoreConfig = z.infer<typeof sqliteStore> | z.infer<typeof influxV1Store> | z.infer<typeof influxV2Store>;

type Ctx = z.RefinementCtx;
type Raw = Omit<Config, never>;

/** References between sections: ids unique, zones, credentials and OPC UA nodes point at real things. */
function crossCheck(c: Raw, ctx: Ctx): void {
  const add = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message, params: { crossCheck: true } });
  // run on the partly parsed config too (issue 18: every error at once): a section that is
  // malformed makes its own checks throw, and its schema errors already say why
  const guard = (check: () => void) => {
    try {
      check();
    } catch {
      // nothing more to say about a section the schema has refused
    }
  };
  guard(() => {
    if (c.mqtt.embedded && c.mqtt.url) add(['mqtt'], 'expected either embedded or url, not both');
    try {
      new Intl.DateTimeFormat('en', { timeZone: c.gateway.timezone });
    } catch {
      add(['gateway', 'timezone'], `unknown time zone "${c.gateway.timezone}" (expected an IANA name like Asia/Shanghai)`);
    }
  });
  const dup = <T>(list: T[], key: (x: T) => string, path: string, field: string, what: string) => {
    const seen = new Set<string>();
    list.forEach((x, i) => {
      if (seen.has(key(x))) add([path.split('.')[0], path.split('.')[1], i, field], `duplicate ${what}`);
      seen.add(key(x));
    });
  };
  guard(() => {
    dup(c.auth.tokens, (t) => tokenDigest(t.token).toString('hex'), 'auth.tokens', 'token', 'token');
    // one person, one actor id: two unnamed officers must never count as the same "officer" (CONTRACT §11)
    const ids = actorIds(c.auth.tokens);
    c.auth.tokens.forEach((t, i) => {
      if (ids.indexOf(ids[i]) !== i) add(['auth', 'tokens', i, t.id !== undefined ? 'id' : 'name'], `duplicate actor "${ids[i]}": every token entry is one person or station (give each its own id or name)`);
      const p = secretProblem(t.token, false);
      if (p) add(['auth', 'tokens', i, 'token'], p);
    });
  });
  guard(() => {
    // a token's scope names real enterprises (issue 18): a typo would leave its holder seeing nothing
    const known = new Set(c.enterprises.map((e) => e.id));
    c.auth.tokens.forEach((t, i) => t.enterprises.forEach((e, j) => known.has(e) || add(['auth', 'tokens', i, 'enterprises', j], `unknown enterprise "${e}"`)));
  });
  guard(() => {
    // issue 15: schedules, rosters and escalations name real enterprises
    const enterpriseIds = new Set(c.enterprises.map((e) => e.id));
    const jurisdictionIds = new Set(c.enterprises.map((e) => e.jurisdiction));
    c.reports.schedules.forEach((s, i) => {
      if (s.enterprise && !enterpriseIds.has(s.enterprise)) add(['reports', 'schedules', i, 'enterprise'], `unknown enterprise "${s.enterprise}"`);
      if (s.jurisdiction && !jurisdictionIds.has(s.jurisdiction)) add(['reports', 'schedules', i, 'jurisdiction'], `no enterprise in jurisdiction "${s.jurisdiction}"`);
      if (s.email.length > 0 && !c.notify.email) add(['reports', 'schedules', i, 'email'], 'mailing reports needs notify.email (the mail server)');
    });
    c.notify.rosters.forEach((r, i) => enterpriseIds.has(r.enterprise) || add(['notify', 'rosters', i, 'enterprise'], `unknown enterprise "${r.enterprise}"`));
    [['escalations', c.notify.escalations], ['hazardNotices', c.notify.hazardNotices]].forEach(([key, list]) =>
      (list as { enterprises?: string[] }[]).forEach((p, i) => p.enterprises?.forEach((e, j) => enterpriseIds.has(e) || add(['notify', key as string, i, 'enterprises', j], `unknown enterprise "${e}"`))),
    );
  });
  guard(() => {
    if (c.auth.anonymous && !c.auth.allowAnonymous) add(['auth', 'anonymous'], 'only with auth.allowAnonymous: true');
    if (c.auth.anonymous) {
      const a = c.auth.anonymous;
      const s = c.enterprises.find((e) => e.id === a.enterprise)?.sites.find((x) => x.id === a.site);
      if (!s) add(['auth', 'anonymous', 'site'], `unknown site "${a.enterprise}/${a.site}"`);
      else if (a.device && !s.devices.some((d) => d.id === a.device)) add(['auth', 'anonymous', 'device'], `unknown device "${a.device}"`);
    }
    c.auth.devices.forEach((d, i) => {
      const p = secretProblem(d.password, true);
      if (p) add(['auth', 'devices', i, 'password'], p);
    });
    c.auth.edges.forEach((d, i) => {
      const p = secretProblem(d.password, true);
      if (p) add(['auth', 'edges', i, 'password'], p);
    });
    dup(c.auth.devices, (d) => d.username, 'auth.devices', 'username', 'username');
    dup(c.auth.edges, (d) => d.username, 'auth.edges', 'username', 'username');
  });
  guard(() => {
    if (c.wal.maxBytes < 4 * c.wal.segmentBytes) add(['wal', 'maxBytes'], `expected at least 4 × wal.segmentBytes (${4 * c.wal.segmentBytes})`);
    if (c.gateway.mode === 'edge' && !c.uplink) add(['uplink'], 'required when gateway.mode is edge');
    if (c.gateway.mode !== 'edge' && c.uplink) add(['uplink'], 'only for gateway.mode edge');
    if (c.gateway.mode === 'central' && c.mqtt.url) add(['mqtt', 'url'], 'a central gateway takes its edges on the embedded broker: use mqtt.embedded');
    if (c.gateway.mode !== 'central' && c.gateway.mode !== 'cluster' && c.auth.edges.length > 0) add(['auth', 'edges'], 'only for gateway.mode central or cluster');
    if (c.gateway.mode === 'cluster') {
      if (!c.cluster) add(['cluster'], 'required when gateway.mode is cluster (cluster.nats.servers at least)');
      if (c.storage.records === 'sqlite') add(['storage', 'records'], 'cluster mode shares its records between instances: a postgres:// URL, not sqlite');
      if (c.storage.telemetry.type === 'sqlite') add(['storage', 'telemetry', 'type'], 'cluster mode shares its telemetry between instances: influxdb-v1 or influxdb-v2, not sqlite');
      if (c.mqtt.url) add(['mqtt', 'url'], 'cluster instances take devices and edges on their embedded broker: use mqtt.embedded');
      if (c.cluster && c.cluster.heartbeatSeconds * 3 > c.cluster.leaseSeconds) add(['cluster', 'heartbeatSeconds'], `at most a third of cluster.leaseSeconds (${c.cluster.leaseSeconds}): a lease must survive two missed renewals`);
    } else if (c.cluster) add(['cluster'], 'only for gateway.mode cluster');
    if (c.mqtt.embedded?.tls && c.mqtt.embedded.tls.port === c.mqtt.embedded.port && c.mqtt.embedded.port !== 0) add(['mqtt', 'embedded', 'tls', 'port'], 'must differ from mqtt.embedded.port');
  });
  guard(() => {
    const edgeUsers = new Set(c.auth.edges.map((e) => e.username));
    c.auth.devices.forEach((d, i) => {
      if (edgeUsers.has(d.username)) add(['auth', 'devices', i, 'username'], `"${d.username}" is also an edge username (auth.edges)`);
    });
    c.auth.edges.forEach((e, i) => {
      e.enterprises.forEach((ent, j) => {
        if (!c.enterprises.some((x) => x.id === ent)) add(['auth', 'edges', i, 'enterprises', j], `unknown enterprise "${ent}"`);
      });
      e.sites?.forEach((es, j) => {
        const [ent, site] = es.split('/');
        if (!e.enterprises.includes(ent)) add(['auth', 'edges', i, 'sites', j], `enterprise "${ent}" is not in this edge's enterprises`);
        else if (!c.enterprises.find((x) => x.id === ent)?.sites.some((s) => s.id === site)) add(['auth', 'edges', i, 'sites', j], `unknown site "${es}"`);
      });
    });
  });
  guard(() => {
    const sites = new Map<string, Set<string>>();
    const entIds = new Set<string>();
    c.enterprises.forEach((e, ei) => {
      if (entIds.has(e.id)) add(['enterprises', ei, 'id'], `duplicate enterprise id "${e.id}"`);
      entIds.add(e.id);
      const siteIds = new Set<string>();
      e.sites.forEach((s, si) => {
        if (siteIds.has(s.id)) add(['enterprises', ei, 'sites', si, 'id'], `duplicate site id "${s.id}"`);
        siteIds.add(s.id);
        const zones = new Set(s.zones.map((z) => z.id));
        if (zones.size !== s.zones.length) add(['enterprises', ei, 'sites', si, 'zones'], 'duplicate zone id');
        const devs = new Set<string>();
        s.devices.forEach((d, di) => {
          if (devs.has(d.id)) add(['enterprises', ei, 'sites', si, 'devices', di, 'id'], `duplicate device id "${d.id}"`);
          devs.add(d.id);
          if (d.zone && !zones.has(d.zone)) add(['enterprises', ei, 'sites', si, 'devices', di, 'zone'], `unknown zone "${d.zone}"`);
        });
        sites.set(`${e.id}/${s.id}`, devs);
      });
    });
    c.auth.devices.forEach((d, i) => {
      const devs = sites.get(`${d.enterprise}/${d.site}`);
      if (!devs) add(['auth', 'devices', i, 'site'], `unknown site "${d.enterprise}/${d.site}"`);
      else if (d.device && !devs.has(d.device)) add(['auth', 'devices', i, 'device'], `unknown device "${d.device}"`);
    });
    c.opcua.forEach((o, i) => {
      const matches = c.enterprises.filter((e) => (!o.enterprise || e.id === o.enterprise) && e.sites.some((s) => s.id === o.site));
      if (matches.length === 0) return add(['opcua', i, 'site'], `unknown site "${o.site}"`);
      if (matches.length > 1) return add(['opcua', i, 'enterprise'], `site "${o.site}" exists in several enterprises; set enterprise`);
      const devs = sites.get(`${matches[0].id}/${o.site}`)!;
      o.nodes.forEach((n, ni) => {
        if (!devs.has(n.device)) add(['opcua', i, 'nodes', ni, 'device'], `unknown device "${n.device}" at site "${o.site}"`);
      });
    });
  });
}

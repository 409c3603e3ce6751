// Prometheus metrics of one gateway instance (own registry, so tests can run several).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { RejectReasons } from '../errors.ts';

export class Metrics {
  readonly registry = new Registry();
  readonly readings = new Counter({ name: 'hazardline_ingest_readings_total', help: 'Readings accepted (durable in the WAL), by transport', labelNames: ['transport'], registers: [this.registry] });
  readonly messages = new Counter({ name: 'hazardline_ingest_messages_total', help: 'Messages accepted, by transport', labelNames: ['transport'], registers: [this.registry] });
  readonly rejected = new Counter({ name: 'hazardline_ingest_rejected_total', help: 'Messages rejected (CONTRACT §3.5), by reason', labelNames: ['reason'], registers: [this.registry] });
  readonly durable = new Histogram({ name: 'hazardline_ingest_durable_seconds', help: 'Arrival to durable-in-WAL latency of accepted messages (the PUBACK waits for it)', buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1], registers: [this.registry] });
  readonly deadLetterDropped = new Counter({ name: 'hazardline_deadletter_dropped_total', help: 'Dead letters not stored because the dead-letter queue was full', registers: [this.registry] });
  // cluster mode (docs/cluster.md §7): this instance's share
  readonly clusterOwned = new Gauge({ name: 'hazardline_cluster_partitions_owned', help: 'Cluster mode: partitions this instance owns (holds the lease of)', registers: [this.registry] });
  readonly clusterLag = new Gauge({ name: 'hazardline_cluster_partition_lag', help: 'Cluster mode: messages of an owned partition in the ingest stream not yet folded in', labelNames: ['partition'], registers: [this.registry] });
  readonly clusterSeq = new Gauge({ name: 'hazardline_cluster_partition_seq', help: 'Cluster mode: the last stream sequence folded into an owned partition', labelNames: ['partition'], registers: [this.registry] });
  readonly clusterTakeovers = new Counter({ name: 'hazardline_cluster_takeovers_total', help: 'Cluster mode: partitions this instance has taken', registers: [this.registry] });
  readonly clusterLeasesLost = new Counter({ name: 'hazardline_cluster_leases_lost_total', help: 'Cluster mode: partition leases this instance lost without handing them over (taken by another, or not renewed in time)', registers: [this.registry] });
  readonly clusterLeaseUp = new Gauge({ name: 'hazardline_cluster_lease_renewing', help: 'Cluster mode: 1 while the leases are renewed on time, 0 when fenced or failing', registers: [this.registry] });
  readonly walDepth = new Gauge({ name: 'hazardline_wal_depth', help: 'WAL entries not yet in the telemetry store', registers: [this.registry] });
  readonly walAge = new Gauge({ name: 'hazardline_wal_age_seconds', help: 'Age of the oldest WAL entry not yet in the telemetry store', registers: [this.registry] });
  readonly walBytes = new Gauge({ name: 'hazardline_wal_bytes', help: 'Bytes of WAL segments on disk', registers: [this.registry] });
  readonly walOverflow = new Counter({ name: 'hazardline_wal_overflow_total', help: 'Frames refused (reject-new) or dropped (drop-oldest) because the WAL was full', labelNames: ['policy'], registers: [this.registry] });
  readonly sinkBatch = new Histogram({ name: 'hazardline_sink_batch_seconds', help: 'Telemetry-store batch write latency', labelNames: ['sink'], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry] });
  readonly sinkPoints = new Counter({ name: 'hazardline_sink_points_total', help: 'Points written to the telemetry store', labelNames: ['sink'], registers: [this.registry] });
  readonly sinkRejected = new Counter({ name: 'hazardline_sink_rejected_points_total', help: 'Points the telemetry store refused for good (HTTP 400/422), dead-lettered', labelNames: ['sink'], registers: [this.registry] });
  readonly sinkFailures = new Counter({ name: 'hazardline_sink_failures_total', help: 'Failed telemetry-store batch writes (retried)', labelNames: ['sink'], registers: [this.registry] });
  readonly opcuaSession = new Gauge({ name: 'hazardline_opcua_session_state', help: 'OPC UA session state per endpoint: 1 connected, 0 not', labelNames: ['endpoint'], registers: [this.registry] });
  readonly opcuaReconnects = new Counter({ name: 'hazardline_opcua_reconnects_total', help: 'OPC UA connection losses', labelNames: ['endpoint'], registers: [this.registry] });
  readonly sparkplugSeqGaps = new Counter({ name: 'hazardline_sparkplug_seq_gaps_total', help: 'Sparkplug B seq gaps, by edge node', labelNames: ['group', 'node'], registers: [this.registry] });
  readonly mqttClients = new Gauge({ name: 'hazardline_mqtt_clients', help: 'Connected MQTT clients (embedded broker)', registers: [this.registry] });
  readonly mqttAuthFailures = new Counter({ name: 'hazardline_mqtt_auth_failures_total', help: 'Refused MQTT connections', registers: [this.registry] });
  readonly httpRateLimited = new Counter({ name: 'hazardline_http_rate_limited_total', help: 'HTTP requests answered 429, by limit (failed_login, report_code, worker_report)', labelNames: ['limit'] as const, registers: [this.registry] });
  readonly mqttConnectRefused = new Counter({ name: 'hazardline_mqtt_connect_refused_total', help: 'MQTT connections refused after a good password, by reason (client_id_taken: the client id belongs to another account)', labelNames: ['reason'] as const, registers: [this.registry] });
  readonly wsDropped = new Counter({ name: 'hazardline_ws_dropped_total', help: 'WebSocket clients dropped for being too slow (CONTRACT §9)', registers: [this.registry] });
  readonly derivedPointsDropped = new Counter({ name: 'hazardline_derived_points_dropped_total', help: 'alarm and occupancy points not written to the WAL because their queue was full (10,000) or the WAL refused them, by measurement', labelNames: ['measurement'], registers: [this.registry] });
  readonly alarmActivations = new Counter({ name: 'hazardline_alarm_activations_total', help: 'Alarm activations (raises and re-activations), by severity; rate over 10m = ISA-18.2 alarm rate', labelNames: ['severity'], registers: [this.registry] });
  readonly alarmTransitions = new Counter({ name: 'hazardline_alarm_transitions_total', help: 'Alarm transitions by action (raise, escalate, ack, clear, close, shelve, unshelve, update = new value or peak)', labelNames: ['action'], registers: [this.registry] });
  readonly webhookDelivered = new Counter({ name: 'hazardline_webhook_delivered_total', help: 'Notifications delivered, by webhook', labelNames: ['notifier'], registers: [this.registry] });
  readonly webhookFailed = new Counter({ name: 'hazardline_webhook_failed_total', help: 'Notifications given up after retries (or refused), by webhook', labelNames: ['notifier'], registers: [this.registry] });
  readonly webhookDropped = new Counter({ name: 'hazardline_webhook_dropped_total', help: 'Notifications dropped because the webhook queue was full (drop-oldest)', labelNames: ['notifier'], registers: [this.registry] });
  readonly personNotifications = new Counter({ name: 'hazardline_person_notifications_total', help: 'Notifications to persons (email, SMS, voice) by channel and outcome: delivered, retrying (an attempt failed), failed, dropped (queue full)', labelNames: ['channel', 'status'], registers: [this.registry] });
  readonly reportDeliveries = new Counter({ name: 'hazardline_report_deliveries_total', help: 'Scheduled report deliveries by target kind (email, webhook) and outcome: delivered, retrying, failed', labelNames: ['target', 'status'], registers: [this.registry] });
  readonly webhookRetried = new Counter({ name: 'hazardline_webhook_retries_total', help: 'Notification delivery retries, by webhook', labelNames: ['notifier'], registers: [this.registry] });
  readonly alarmsLast10m = new Gauge({ name: 'hazardline_alarm_activations_last_10m', help: 'Alarm activations in the last 10 minutes (a flood is >= 10, DOMAIN.md §8)', registers: [this.registry] });
  readonly alarmsStale = new Gauge({ name: 'hazardline_alarms_stale', help: 'Open alarms active for more than 24 h (DOMAIN.md §8)', registers: [this.registry] });
  readonly alarmsOverdue = new Gauge({ name: 'hazardline_alarms_overdue', help: 'Open alarms not acknowledged by the end of their local day (DOMAIN.md §0)', registers: [this.registry] });
  readonly alarmsChattering = new Gauge({ name: 'hazardline_alarms_chattering', help: 'Alarms activated >= 3 times within one minute during the last hour (DOMAIN.md §8)', registers: [this.registry] });
  readonly rulesLateTotal = new Counter({ name: 'hazardline_rules_late_readings_total', help: 'Readings older than what their device and metric had already given the rules (counted in windows, never re-arming a threshold); a backfill in order adds none', registers: [this.registry] });
  /** deprecated (issue 18): the same count as a gauge; kept for existing dashboards, use hazardline_rules_late_readings_total */
  readonly rulesLate = new Gauge({ name: 'hazardline_rules_late_readings', help: 'Deprecated: hazardline_rules_late_readings_total as a gauge (kept for existing dashboards)', registers: [this.registry] });
  readonly buildInfo = new Gauge({ name: 'hazardline_build_info', help: 'Always 1: the version, Node.js version and mode of this instance in its labels', labelNames: ['version', 'node', 'mode'], registers: [this.registry] });
  readonly rulesStateSave = new Histogram({ name: 'hazardline_rules_state_save_seconds', help: 'Rule-state saves: wall time of the export, in slices with the event loop free between them (frames are evaluated after it)', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [this.registry] });
  readonly rulesStateSlice = new Histogram({ name: 'hazardline_rules_state_slice_seconds', help: 'Rule-state saves: the longest slice of each export (the event loop waits this long at most)', buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1], registers: [this.registry] });
  readonly rulesStateBytes = new Gauge({ name: 'hazardline_rules_state_bytes', help: 'Size of the last saved rule state (JSON)', registers: [this.registry] });
  readonly rulesBacklog = new Gauge({ name: 'hazardline_rules_backlog_frames', help: 'Durable frames waiting for the rule engine (it works in slices of 8 ms so that a flood does not stop ingest)', registers: [this.registry] });
  readonly rulesBacklogFull = new Counter({ name: 'hazardline_rules_backlog_full_total', help: 'Times the rule backlog passed its bound (200,000 frames) and was evaluated without yielding, holding ingest back', registers: [this.registry] });
  readonly rulesErrors = new Counter({ name: 'hazardline_rules_errors_total', help: 'Frames or ticks the rule engine failed on (logged; evaluation goes on)', registers: [this.registry] });
  readonly alarmsOpen = new Gauge({ name: 'hazardline_alarms_open', help: 'Open alarms by severity', labelNames: ['severity'], registers: [this.registry] });
  // records database (issue 12 item 8): alarm changes retried in order while it fails
  readonly recordsWriteFailures = new Counter({ name: 'hazardline_records_write_failures_total', help: 'Alarm changes in failed records-database writes (each retried in order with back-off)', registers: [this.registry] });
  readonly recordsRefused = new Counter({ name: 'hazardline_records_overflow_total', help: 'Alarm changes not queued because the records backlog was full (the alarm stays live; its row is resynced once the database recovers)', registers: [this.registry] });
  readonly recordsPending = new Gauge({ name: 'hazardline_records_pending', help: 'Alarm changes not yet in the records database', registers: [this.registry] });
  readonly recordsPendingAge = new Gauge({ name: 'hazardline_records_pending_age_seconds', help: 'Age of the oldest alarm change not yet in the records database', registers: [this.registry] });
  readonly recordsUp = new Gauge({ name: 'hazardline_records_up', help: '1 while the last records-database write succeeded, 0 while writes fail', registers: [this.registry] });
  // edge → central uplink (issue 7, docs/uplink.md)
  readonly uplinkConnected = new Gauge({ name: 'hazardline_uplink_connected', help: 'Edge: 1 while the uplink to the central gateway is connected', registers: [this.registry] });
  readonly uplinkQueueRows = new Gauge({ name: 'hazardline_uplink_queue_rows', help: 'Edge: forward-queue rows not yet acknowledged by the central, by lane (p priority, b bulk)', labelNames: ['lane'], registers: [this.registry] });
  readonly uplinkQueueReadings = new Gauge({ name: 'hazardline_uplink_queue_readings', help: 'Edge: readings in the forward queue', registers: [this.registry] });
  readonly uplinkQueueBytes = new Gauge({ name: 'hazardline_uplink_queue_bytes', help: 'Edge: bytes in the forward queue (bound: uplink.queueMaxBytes)', registers: [this.registry] });
  readonly uplinkQueueAge = new Gauge({ name: 'hazardline_uplink_queue_oldest_age_seconds', help: 'Edge: age of the oldest forward-queue entry', registers: [this.registry] });
  readonly uplinkSent = new Counter({ name: 'hazardline_uplink_sent_messages_total', help: 'Edge: uplink batches acknowledged by the central, by lane', labelNames: ['lane'], registers: [this.registry] });
  readonly uplinkSentBytes = new Counter({ name: 'hazardline_uplink_sent_bytes_total', help: 'Edge: compressed bytes of the uplink batches acknowledged by the central', registers: [this.registry] });
  readonly uplinkSentReadings = new Counter({ name: 'hazardline_uplink_sent_readings_total', help: 'Edge: readings acknowledged by the central', registers: [this.registry] });
  readonly uplinkDropped = new Counter({ name: 'hazardline_uplink_dropped_readings_total', help: 'Edge: readings dropped from a full forward queue (oldest bulk first; alarms and hazards never)', registers: [this.registry] });
  readonly uplinkQueueErrors = new Counter({ name: 'hazardline_uplink_queue_errors_total', help: 'Edge: rows the forward queue could not take (its disk full or failing); logged and alarmed', registers: [this.registry] });
  readonly uplinkReconnects = new Counter({ name: 'hazardline_uplink_disconnects_total', help: 'Edge: uplink connection losses', registers: [this.registry] });
  readonly edgeConnected = new Gauge({ name: 'hazardline_edge_connected', help: 'Central: 1 while the edge is connected', labelNames: ['edge'], registers: [this.registry] });
  readonly edgeLag = new Gauge({ name: 'hazardline_edge_lag_seconds', help: 'Central: wall time minus the newest event time received from the edge (数据延迟)', labelNames: ['edge'], registers: [this.registry] });
  readonly edgeBacklog = new Gauge({ name: 'hazardline_edge_backlog_readings', help: "Central: readings waiting in the edge's forward queue, as its last hello said", labelNames: ['edge'], registers: [this.registry] });
  readonly edgeRows = new Counter({ name: 'hazardline_edge_rows_total', help: 'Central: uplink rows applied, by edge and lane', labelNames: ['edge', 'lane'], registers: [this.registry] });
  readonly edgeDuplicates = new Counter({ name: 'hazardline_edge_duplicate_rows_total', help: 'Central: uplink rows received again and ignored (idempotent ingest)', labelNames: ['edge'], registers: [this.registry] });
  readonly edgeGaps = new Counter({ name: 'hazardline_edge_gap_rows_total', help: 'Central: uplink rows missing from an edge sequence, by cause (dropped: the edge queue overflowed; missing: never received)', labelNames: ['edge', 'cause'], registers: [this.registry] });
  readonly edgeRefused = new Counter({ name: 'hazardline_edge_refused_total', help: 'Central: uplink items refused, by edge and reason (acl_denied: outside its enterprises or sites)', labelNames: ['edge', 'reason'], registers: [this.registry] });

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    for (const r of RejectReasons) this.rejected.inc({ reason: r }, 0);
    for (const t of ['mqtt', 'sparkplug', 'opcua', 'uplink']) {
      this.readings.inc({ transport: t }, 0);
      this.messages.inc({ transport: t }, 0);
    }
    for (const s of ['red', 'orange', 'yellow', 'blue']) this.alarmsOpen.set({ severity: s }, 0);
    // the standard process_* / nodejs_* names (issue 18: stock Node.js dashboards read them)
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }
}

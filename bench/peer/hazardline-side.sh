#!/usr/bin/env bash
# hazardline measured with the Node-RED peer's own load generator (loadgen.js), same steps:
# own influxd, hazardline gateway (embedded broker, influxdb-v1 store, WAL fsync on, builtin rules),
# QoS1 single-reading messages from 4 connections x 250 in flight, 100 devices.
# usage (from the project root): bench/peer/hazardline-side.sh   (HL=checkout dir, default: the current dir)   env: RATES=10000,20000,30000,40000,50000 SECS=15 STORE=influxdb-v1|sqlite DEVICES=100
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
HL=${HL:-$PWD}; BASE=${BASE:-/tmp/nodered-peer}; export NODE_PATH="$BASE/node_modules"
RATES=${RATES:-10000,20000,30000,40000,50000}; SECS=${SECS:-15}; STORE=${STORE:-influxdb-v1}; DEVICES=${DEVICES:-100}
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'; }
RUN=$(mktemp -d /tmp/hlside.XXXX); PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill $p 2>/dev/null; done; sleep 1; for p in "${PIDS[@]}"; do kill -9 $p 2>/dev/null; done; rm -rf "$RUN/influx" "$RUN/data"; }
trap cleanup EXIT
IP=$(free_port); RP=$(free_port); MP=$(free_port); HP=$(free_port)
mkdir -p $RUN/influx
cat > $RUN/influxd.conf <<C
reporting-enabled = false
bind-address = "127.0.0.1:$RP"
[meta]
  dir = "$RUN/influx/meta"
[data]
  dir = "$RUN/influx/data"
  wal-dir = "$RUN/influx/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:$IP"
  log-enabled = false
C
influxd -config $RUN/influxd.conf > $RUN/influxd.log 2>&1 & PIDS+=($!); INF=$!
for i in $(seq 1 60); do curl -sf "http://127.0.0.1:$IP/ping" >/dev/null && break; sleep 0.5; done
curl -sf -XPOST "http://127.0.0.1:$IP/query" --data-urlencode "q=CREATE DATABASE hl" >/dev/null
devs=""; for d in $(seq 0 $((DEVICES-1))); do devs="$devs          - { id: dev-$d, kind: gas }
"; done
if [ "$STORE" = sqlite ]; then TEL="{ type: sqlite }"; else TEL="{ type: influxdb-v1, url: 'http://127.0.0.1:$IP', database: hl }"; fi
cat > $RUN/c.yaml <<Y
gateway: { id: side, mode: standalone, http: { host: 127.0.0.1, port: $HP }, dataDir: $RUN/data }
mqtt: { embedded: { port: $MP, host: 127.0.0.1 } }
storage: { telemetry: $TEL, records: sqlite }
wal: { fsync: true }
auth:
  tokens: [ { token: adm, role: admin } ]
  devices: [ { username: lg, password: lgpw, enterprise: ent1, site: s1 } ]
enterprises:
  - id: ent1
    name: side
    sector: hazardous-chemicals
    jurisdiction: j1
    declaredStatus: producing
    sites:
      - id: s1
        zones: []
        devices:
${devs%?}
rules: { packs: [builtin] }
Y
(cd $RUN && LOG_LEVEL=warn exec node $HL/bin/hazardline.mjs start -c $RUN/c.yaml > $RUN/gw.log 2>&1) & PIDS+=($!); GW=$!
for i in $(seq 1 100); do curl -sf "http://127.0.0.1:$HP/healthz" >/dev/null && break; sleep 0.3; done
curl -sf "http://127.0.0.1:$HP/healthz" >/dev/null || { tail -5 $RUN/gw.log; echo "gateway did not start"; exit 1; }
# the subshell execs node: $GW is the gateway itself (a child of it, if any, is not the gateway)
GWPID=$GW
ticks() { awk '{print $14+$15}' /proc/$1/stat 2>/dev/null || echo 0; }
rss() { awk '/VmRSS/ {print int($2/1024)}' /proc/$1/status 2>/dev/null; }
count() { # from to (ms)
  if [ "$STORE" = sqlite ]; then
    curl -s -H 'Authorization: Bearer adm' "http://127.0.0.1:$HP/metrics" | awk '/^hazardline_sink_points_total/ {s+=$NF} END {print s+0}'
  else
    curl -s -G "http://127.0.0.1:$IP/query" --data-urlencode db=hl --data-urlencode "q=SELECT count(lel) FROM gas WHERE time >= $1ms AND time <= $2ms" | python3 -c 'import json,sys;d=json.load(sys.stdin);s=d["results"][0].get("series");print(s[0]["values"][0][1] if s else 0)'
  fi
}
echo "store=$STORE gateway pid=$GWPID"
printf "| offered/s | acked/s | stored/s | lost | gw CPU %% | gw RSS MiB | drain s |\n|---|---|---|---|---|---|---|\n"
base=0
for R in ${RATES//,/ }; do
  t0=$(ticks $GWPID); w0=$(date +%s.%N)
  node $HERE/loadgen.js --port $MP --rate $R --secs $SECS --devices $DEVICES --conns 4 --window 250 --username lg --password lgpw --client-prefix lg$R > $RUN/lg-$R.json 2>$RUN/lg-$R.err
  w1=$(date +%s.%N); t1=$(ticks $GWPID)
  read acked sent first last rate <<<$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
  d=json.loads(l)
  if "acked" in d: print(d["acked"], d["sent"], d["firstTs"], d["lastTs"], d["achievedRate"])' $RUN/lg-$R.json)
  # drain: until the stored count stops changing
  d0=$(date +%s.%N); prev=-1
  for i in $(seq 1 180); do
    if [ "$STORE" = sqlite ]; then n=$(( $(count) - base )); else n=$(count $first $last); fi
    [ "$n" = "$prev" ] && [ "$n" -ge "$acked" ] && break
    [ "$n" = "$prev" ] && [ $i -gt 10 ] && break
    prev=$n; sleep 0.5
  done
  d1=$(date +%s.%N); [ "$STORE" = sqlite ] && base=$(count)
  cpu=$(python3 -c "print(round(100*($t1-$t0)/100/($w1-$w0)))")
  drain=$(python3 -c "print(round($d1-$d0,1))")
  stored_rate=$(python3 -c "print(round($n/($SECS)))")
  printf "| %s | %s | %s | %s | %s | %s | %s |\n" $R $rate $stored_rate $((sent-n)) $cpu $(rss $GWPID) $drain
done

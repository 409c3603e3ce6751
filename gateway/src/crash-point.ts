// Test-only crash points (the way SQLite's test harness injects faults): with
// HAZARDLINE_CRASH_AT=<name> and HAZARDLINE_CRASH_AFTER=<n> in the environment, the process kills
// itself with SIGKILL the n-th time it passes that point. The uplink durability tests use them to
// die exactly inside a window a random kill -9 almost never hits (acknowledged but not yet
// deleted; durable but not yet acknowledged). Without the variables this is one comparison.
const at = process.env.HAZARDLINE_CRASH_AT;
let left = Number(process.env.HAZARDLINE_CRASH_AFTER ?? 1);

export function crashPoint(name: string): void {
  if (at !== name) return;
  if (--left > 0) return;
  process.stderr.write(`crash point ${name}: SIGKILL\n`);
  process.kill(process.pid, 'SIGKILL');
}

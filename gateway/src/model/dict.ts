// Lookup tables that external strings index (query parameters, metric names from devices, JSON
// keys): without a prototype, so `__proto__`, `constructor` or `toString` find nothing instead of
// Object.prototype's members (issue 12 item 15).

/** A frozen copy of `entries` with a null prototype. */
export function dict<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

/** An empty, writable object with a null prototype, for maps filled from external keys. */
export function bareObject<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

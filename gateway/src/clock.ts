/** Injected time source: nothing below main.ts reads Date.now() directly (ARCHITECTURE.md, Time). */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

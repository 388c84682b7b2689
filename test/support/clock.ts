// A clock for code that takes `now` and `sleep`: time moves only by what is slept (or `advance`), and each
// wait is recorded, so a test asserts the waits themselves instead of measuring real time.
export interface TestClock {
  now(): number;
  /** Resolves at once; the clock then reads at least the time the sleeper asked to wake at. */
  sleep(ms: number): Promise<void>;
  advance(ms: number): void;
  /** Every wait asked for, in order. */
  readonly sleeps: number[];
}

export function testClock(start = Date.parse('2026-06-01T00:00:00Z')): TestClock {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: (ms) => {
      sleeps.push(ms);
      const wake = t + ms;
      return Promise.resolve().then(() => {
        t = Math.max(t, wake);
      });
    },
    advance: (ms) => {
      t += ms;
    },
    sleeps,
  };
}

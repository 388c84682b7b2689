// At most `limit` tasks run at once; the rest start in the order they arrived. Used where many requests
// arriving together would otherwise interleave step by step and all finish late together: gated, the
// first ones finish first (docs/performance.md "Notices at the provider's ceiling").
export interface FifoGate {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createFifoGate(limit: number): FifoGate {
  if (!Number.isInteger(limit) || limit < 1) throw new Error('a gate lets at least one task through');
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return {
    async run(task) {
      // A freed place passes straight to the next in line, so `running` never drops while some wait.
      if (running < limit) running++;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}

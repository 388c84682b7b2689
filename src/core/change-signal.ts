// A promise to wait on until something changes: `wait` resolves at the next `poke`, for every waiter.
// The import's two threads each loop on state their channel's messages change (src/http/import-*.ts).
export interface ChangeSignal {
  wait(): Promise<void>;
  poke(): void;
}

export function changeSignal(): ChangeSignal {
  let waiting: (() => void)[] = [];
  return {
    wait: () => new Promise<void>((resolve) => waiting.push(resolve)),
    poke: () => {
      const woken = waiting;
      waiting = [];
      for (const w of woken) w();
    },
  };
}

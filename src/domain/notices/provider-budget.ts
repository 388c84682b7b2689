// How fast mailprefs may call the provider. Resend's limit is per team (2 requests/s by default), not
// per process: instances on one database take their slots from one shared row (src/db/provider-budget.ts),
// so two instances together still make at most RESEND_MAX_RPS calls a second.
import type { Kysely } from 'kysely';
import { takeProviderSlot } from '../../db/provider-budget.js';
import type { Database } from '../../db/schema.js';

export interface ProviderBudget {
  /** Reserves one call slot and answers its time (ms since the epoch); the call must not start before. */
  reserve(): Promise<number>;
  /** Reserves a slot and waits for it. */
  take(): Promise<void>;
  readonly clock: BudgetClock;
}

export interface BudgetClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: BudgetClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function sharedProviderBudget(db: Kysely<Database>, requestsPerSecond: number, clock: BudgetClock = realClock, name = 'resend'): ProviderBudget {
  const gap = 1000 / requestsPerSecond;
  const reserve = () => takeProviderSlot(db, name, clock.now(), gap);
  return {
    clock,
    reserve,
    take: async () => {
      const slot = await reserve();
      const now = clock.now();
      if (slot > now) await clock.sleep(slot - now);
    },
  };
}

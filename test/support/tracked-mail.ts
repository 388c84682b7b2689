// The real system mail, with a way to wait for what it has in flight: pages mail a link after they
// answer (neither the page nor its timing tells who is on file), so a test awaits `idle()`, not a sleep.
import type { Mailer } from '../../src/domain/notices/mailer.js';

export interface TrackedMail {
  readonly mail: Mailer;
  /** Resolves once every send begun so far has settled. */
  idle(): Promise<void>;
}

/** `make` is called at the first send, so it may use a harness built with this mailer. */
export function trackedMail(make: () => Mailer): TrackedMail {
  let inner: Mailer | undefined;
  const pending = new Set<Promise<void>>();
  const track = (send: (m: Mailer) => Promise<void>): Promise<void> => {
    inner ??= make();
    const p = send(inner);
    pending.add(p);
    p.then(
      () => pending.delete(p),
      () => pending.delete(p),
    );
    return p;
  };
  return {
    mail: {
      sendPreferencesLink: (id, url) => track((m) => m.sendPreferencesLink(id, url)),
      sendConfirmation: (id, category, url) => track((m) => m.sendConfirmation(id, category, url)),
      sendEmailChangeLink: (id, to, url) => track((m) => m.sendEmailChangeLink(id, to, url)),
      sendStepUpLink: (id, action, url) => track((m) => m.sendStepUpLink(id, action, url)),
    },
    idle: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

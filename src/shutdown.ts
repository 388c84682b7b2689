// Stopping on SIGTERM or SIGINT without losing what was acknowledged (docs/operations.md, "Shutdown"):
// stop accepting, let in-flight requests and background work finish within SHUTDOWN_GRACE_SECONDS, end
// answers still streaming with their error line just before the grace runs out, give broadcast leases
// back (the walkers do, at their next page), and only then close the database.
import type { Server } from 'node:http';
import type { LifecycleControl } from './core/lifecycle.js';

export interface ShutdownParts {
  server: Server;
  lifecycle: LifecycleControl;
  stopJobs: () => void;
  closeDatabase: () => Promise<void>;
  graceMs: number;
  log?: (line: string) => void;
}

/** How long before the deadline streams are cut, so that their last line still reaches the client. */
const cutMarginMs = (graceMs: number) => Math.min(1000, graceMs / 2);

/** Runs the shutdown once; resolves when the database is closed. */
export async function shutDown(parts: ShutdownParts): Promise<void> {
  const { server, lifecycle, graceMs } = parts;
  const log = parts.log ?? ((line: string) => console.log(line));
  const deadline = Date.now() + graceMs;
  const left = () => Math.max(0, deadline - Date.now());
  lifecycle.stop();
  parts.stopJobs();
  const closed = new Promise<void>((done) => server.close(() => done()));
  // server.close() ends only the connections idle at that moment; a keep-alive connection becomes idle
  // once its last answer is written, and is ended then.
  const reaper = setInterval(() => server.closeIdleConnections(), 50);
  const within = (ms: number, work: Promise<unknown>) =>
    Promise.race([work.then(() => true), new Promise<boolean>((done) => setTimeout(() => done(false), ms).unref())]);
  try {
    if (!(await within(left() - cutMarginMs(graceMs), closed))) {
      lifecycle.cutNow();
      if (!(await within(left(), closed))) {
        log('shutdown: the grace ran out; closing the connections still open');
        server.closeAllConnections();
      }
    }
    if (!(await lifecycle.settled(left()))) log('shutdown: background work still running at the deadline; its broadcast lease lapses by itself');
  } finally {
    clearInterval(reaper);
  }
  await parts.closeDatabase();
}

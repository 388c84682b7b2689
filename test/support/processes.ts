// Running mailprefs' entry points as real processes, with only the environment a test gives them.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');

/** A clean environment: nothing of the test runner's own configuration leaks into the child. */
export const baseEnv = (env: Record<string, string>): Record<string, string> => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env });

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** How an entry point is started: from the TypeScript source through tsx (development), or compiled (`npm start`, the bin).
 * Tests start the compiled code unless they are about the source path: a process starts in a quarter of the CPU
 * tsx takes (it compiles every module on start), and it is what production runs. CI builds dist/ before the tests;
 * elsewhere the first process rebuilds a stale dist/ (bin/build.js, one build at a time), so a type error stops it. */
export type Entry = 'source' | 'compiled';

/** `mailprefs ARGS`, from the source through tsx or as the package's bin (compiled, building dist/ first when stale);
 * bounded at 90 s (a stale dist/ is rebuilt first; a loaded CI machine is slow). */
export function runCli(args: string[], env: Record<string, string>, entry: Entry = 'compiled'): Promise<Run> {
  const [file, argv] = entry === 'source' ? [TSX, ['src/cli.ts', ...args]] : [process.execPath, ['bin/mailprefs.js', ...args]];
  return new Promise((done) => {
    execFile(file, argv, { cwd: ROOT, env: baseEnv(env), timeout: 90_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

export interface Server {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the output once `pattern` appears, or rejects after `ms`, or when the process exits first. */
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  exited(ms?: number): Promise<number | null>;
  stop(): Promise<number | null>;
}

/** The server as one node process (no npm or tsx wrapper), so a signal reaches the server itself: from the source
 * through tsx, or what `npm start` runs (bin/start.js: the compiled server, building dist/ first when stale). */
export function startServer(env: Record<string, string>, entry: Entry = 'compiled'): Server {
  const argv = entry === 'source' ? ['--import', 'tsx', 'src/server.ts'] : ['bin/start.js'];
  const child = spawn(process.execPath, argv, { cwd: ROOT, env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (b: Buffer) => (text += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (text += b.toString()));
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const exited = (ms = 15_000) =>
    Promise.race([exit, new Promise<number | null>((_, fail) => setTimeout(() => fail(new Error(`still running after ${ms} ms:\n${text}`)), ms).unref())]);
  return {
    child,
    output: () => text,
    waitFor: (pattern, ms = 30_000) =>
      new Promise((done, fail) => {
        const started = Date.now();
        const timer = setInterval(() => {
          if (pattern.test(text)) {
            clearInterval(timer);
            done(text);
          } else if (child.exitCode !== null || Date.now() - started > ms) {
            clearInterval(timer);
            fail(new Error(`no ${pattern} in the output (exit ${child.exitCode}):\n${text}`));
          }
        }, 50);
      }),
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited();
    },
  };
}

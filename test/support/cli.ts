// Runs TypeScript entry points in child processes (separate instances): the real CLI, or a test script.
import { execFile, spawn } from 'node:child_process';
import { resolve as resolvePath } from 'node:path';
import { TEST_ENV } from './harness.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript file through tsx with the test environment. */
export function runScript(script: string, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], { env: { ...process.env, ...TEST_ENV, ...env }, timeout: 90_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

export interface StartedScript {
  /** Resolves with the first stdout line equal to `line`; rejects if the script exits first. */
  said(line: string): Promise<void>;
  /** Writes one line to the script's stdin. */
  tell(line: string): void;
  /** Resolves when the script has exited (killed after 90 s). */
  readonly done: Promise<RunResult>;
}

/** Starts a TypeScript file through tsx with the test environment, to talk to it over stdin and stdout. */
export function startScript(script: string, args: string[], env: Record<string, string> = {}): StartedScript {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, ...TEST_ENV, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { line: string; resolve: () => void; reject: (err: Error) => void }[] = [];
  const check = () => {
    const lines = stdout.split('\n');
    for (const w of waiters.splice(0)) {
      if (lines.includes(w.line)) w.resolve();
      else if (child.exitCode !== null || child.signalCode !== null) w.reject(new Error(`${script} exited before saying "${w.line}":\n${stderr}`));
      else waiters.push(w);
    }
  };
  child.stdout.on('data', (b: Buffer) => {
    stdout += b.toString();
    check();
  });
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const done = new Promise<RunResult>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      check();
      resolve({ code: code ?? -1, stdout, stderr });
    }),
  );
  return {
    said: (line) =>
      new Promise((resolve, reject) => {
        waiters.push({ line, resolve, reject });
        check();
      }),
    tell: (line) => child.stdin.write(`${line}\n`),
    done,
  };
}

/** `mailprefs ARGS…` against a test database: the package's bin, the compiled CLI (see Entry in processes.ts). */
export function runCli(args: string[], databaseUrl: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const env = { ...process.env, ...TEST_ENV, DATABASE_URL: databaseUrl };
    execFile(process.execPath, [resolvePath(import.meta.dirname, '../../bin/mailprefs.js'), ...args], { env, timeout: 90_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

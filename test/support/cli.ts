// Runs TypeScript entry points in child processes (separate instances): the real CLI, or a test script.
import { execFile } from 'node:child_process';
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

/** `mailprefs ARGS…` against a test database. */
export function runCli(args: string[], databaseUrl: string): Promise<RunResult> {
  return runScript('src/cli.ts', args, { DATABASE_URL: databaseUrl });
}

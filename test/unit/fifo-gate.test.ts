import { describe, expect, it } from 'vitest';
import { createFifoGate } from '../../src/core/fifo-gate.js';

// A task that finishes when the test says so.
function deferred() {
  let finish!: () => void;
  let fail!: (err: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return { done, finish, fail };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createFifoGate', () => {
  it('runs at most `limit` tasks at once and starts the rest in arrival order', async () => {
    const gate = createFifoGate(2);
    const tasks = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    const runs = tasks.map((t, i) =>
      gate.run(async () => {
        started.push(i);
        await t.done;
        return i;
      }),
    );
    await flush();
    expect(started).toEqual([0, 1]);
    tasks[1]!.finish();
    await flush();
    expect(started).toEqual([0, 1, 2]);
    tasks[0]!.finish();
    tasks[2]!.finish();
    await flush();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    tasks[3]!.finish();
    tasks[4]!.finish();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
  });

  it('a failing task frees its place and its caller gets the error', async () => {
    const gate = createFifoGate(1);
    const first = deferred();
    const failing = gate.run(() => first.done);
    let secondRan = false;
    const second = gate.run(async () => {
      secondRan = true;
    });
    await flush();
    expect(secondRan).toBe(false);
    first.fail(new Error('boom'));
    await expect(failing).rejects.toThrow('boom');
    await second;
    expect(secondRan).toBe(true);
  });

  it('refuses a limit below one', () => {
    expect(() => createFifoGate(0)).toThrow();
  });
});

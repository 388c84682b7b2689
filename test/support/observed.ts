// A harness whose logger writes into memory and whose metrics are its own, with notices going to the
// fake Resend through a runtime that reports to both: what an operator of this app would see.
import { TEMPLATES_DIR } from '../../src/domain/notices/runtime.js';
import { createTemplateStore } from '../../src/domain/notices/template-store.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { createTelemetry } from '../../src/observability/telemetry.js';
import type { TestDialect } from './dialects.js';
import { type FakeResend, startFakeResend } from './fake-resend.js';
import { type Harness, makeHarness, TEST_ENV } from './harness.js';
import { captureLogs, type LogCapture } from './log-capture.js';
import { RESEND_ENV, seed, testTransport } from './notices-fixture.js';

export interface Observed {
  h: Harness;
  fake: FakeResend;
  log: LogCapture;
  metrics: Metrics;
  close(): Promise<void>;
}

export async function observedHarness(dialect: TestDialect, env: Record<string, string> = {}): Promise<Observed> {
  const fake = await startFakeResend();
  const log = captureLogs('debug');
  const metrics = createMetrics();
  const notices = {
    templates: createTemplateStore({ dir: TEMPLATES_DIR, publicUrl: TEST_ENV.PUBLIC_URL, watch: false }),
    transport: testTransport(fake, { maxAttempts: 1 }),
    telemetry: createTelemetry(log.logger, metrics),
  };
  const h = await makeHarness(dialect, { ...RESEND_ENV, RESEND_BASE_URL: fake.url, ...env }, { logger: log.logger, metrics, notices });
  await seed(h);
  return {
    h,
    fake,
    log,
    metrics,
    close: async () => {
      await h.close();
      await fake.close();
    },
  };
}

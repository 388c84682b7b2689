// The domain's telemetry port (src/domain/operations/telemetry.ts) over this process's metrics and log.
import type { Telemetry } from '../domain/operations/telemetry.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

export function createTelemetry(logger: Logger, metrics: Metrics): Telemetry {
  return {
    eligibilityDecided: metrics.eligibilityDecided,
    noticesRecorded: metrics.noticesRecorded,
    providerCalled: metrics.providerCalled,
    webhookDelivered: metrics.webhookDelivered,
    event: (level, event, fields) => logger[level]({ event, ...fields }),
  };
}

import { describe, expect, it } from 'vitest';
import { latencyBound, latencyMetric, latencyQuantile, optOutLatencyIncrement } from '../../src/domain/webhooks/opt-out-latency.js';

describe('opt-out latency buckets', () => {
  it('counts a delivery in the smallest bucket that holds it, edges included', () => {
    expect(latencyMetric(0)).toBe('webhook_opt_out_le_0.1');
    expect(latencyMetric(100)).toBe('webhook_opt_out_le_0.1');
    expect(latencyMetric(101)).toBe('webhook_opt_out_le_0.5');
    expect(latencyMetric(90_000)).toBe('webhook_opt_out_le_300');
    expect(latencyMetric(259_200_000)).toBe('webhook_opt_out_le_259200');
    expect(latencyMetric(259_200_001)).toBe('webhook_opt_out_le_inf');
    expect(latencyBound(latencyMetric(90_000))).toBe(300);
    expect(latencyBound('webhook_opt_out_le_inf')).toBe(Number.POSITIVE_INFINITY);
    expect(latencyBound('unsubscribed')).toBeUndefined();
  });

  it('reads a quantile as the bound of the bucket that reaches it', () => {
    expect(latencyQuantile(new Map(), 0.5)).toBeNull();
    const b = new Map([
      [1, 6],
      [300, 3],
      [3600, 1],
    ]);
    expect(latencyQuantile(b, 0.5)).toBe(1);
    expect(latencyQuantile(b, 0.9)).toBe(300);
    expect(latencyQuantile(b, 0.95)).toBe(3600);
    expect(latencyQuantile(new Map([[Number.POSITIVE_INFINITY, 2]]), 0.5)).toBe(Number.POSITIVE_INFINITY);
  });

  it('counts opt-outs only: unsubscribes and marketing refusals, on the day of the change', () => {
    const at = '2026-11-30T23:59:59.000Z';
    const of = (change: string, category: string | null) => ({ event_type: 'consent.changed', event_at: at, payload: JSON.stringify({ change, category }) });
    expect(optOutLatencyIncrement(of('unsubscribed', 'news'), 2000)).toEqual([{ at, metric: 'webhook_opt_out_le_2', categoryKey: 'news', source: null }]);
    expect(optOutLatencyIncrement(of('marketing_opt_out', null), 2000)).toEqual([{ at, metric: 'webhook_opt_out_le_2', categoryKey: null, source: null }]);
    expect(optOutLatencyIncrement(of('subscribed', 'news'), 2000)).toEqual([]);
    expect(optOutLatencyIncrement({ event_type: 'suppression.created', event_at: at, payload: '{}' }, 2000)).toEqual([]);
  });
});

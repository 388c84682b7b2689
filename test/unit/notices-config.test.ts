import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';
import { TEST_ENV } from '../support/harness.js';

describe('notices configuration', () => {
  it('paces Resend at 2 requests/s unless RESEND_MAX_RPS says otherwise', () => {
    expect(parseConfig(TEST_ENV).resendMaxRps).toBe(2);
    expect(parseConfig({ ...TEST_ENV, RESEND_MAX_RPS: '10' }).resendMaxRps).toBe(10);
  });

  it.each(['0', '-1', '1.5', 'fast', ''])('refuses RESEND_MAX_RPS=%j, naming it', (value) => {
    expect(() => parseConfig({ ...TEST_ENV, RESEND_MAX_RPS: value })).toThrow(ConfigError);
    expect(() => parseConfig({ ...TEST_ENV, RESEND_MAX_RPS: value })).toThrow(/RESEND_MAX_RPS/);
  });
});

import { describe, expect, it } from 'vitest';
import { guardedLookup, isReservedAddress, refuseWebhookUrl } from '../../src/domain/webhooks/target.js';

describe('webhook targets', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:10.0.0.1',
    'not-an-ip',
  ])('treats %s as reserved', (ip) => expect(isReservedAddress(ip)).toBe(true));
  it.each(['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])('treats %s as public', (ip) => expect(isReservedAddress(ip)).toBe(false));

  it('accepts public http(s) URLs', () => {
    expect(refuseWebhookUrl('https://hooks.example.com/in?x=1', false)).toBeNull();
    expect(refuseWebhookUrl('http://93.184.216.34/', false)).toBeNull();
  });

  it('refuses a name that resolves to loopback when connecting, and allows it when told', async () => {
    const resolve = (allow: boolean) =>
      new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((done) =>
        guardedLookup(allow)('localhost', {}, (err, address) => done({ err, address })),
      );
    expect((await resolve(false)).err?.code).toBe('EPRIVATE');
    const allowed = await resolve(true);
    expect(allowed.err).toBeNull();
    expect(typeof allowed.address).toBe('string');
  });
});

import { describe, expect, it } from 'vitest';
import { newId, UUID_PATTERN } from '../../src/core/ids.js';

const timeOf = (id: string) => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);

describe('newId (UUIDv7, RFC 9562 §5.7)', () => {
  it('puts the millisecond in the first 48 bits, version 7 and the RFC variant, for any time', () => {
    for (const now of [0, 1, 1_764_547_200_000, 1_764_547_200_001, 0xffff_ffff_ffff, 1_764_547_200_000]) {
      const id = newId(now);
      expect(id).toMatch(UUID_PATTERN);
      expect(timeOf(id)).toBe(now);
      expect(id[14]).toBe('7');
      expect('89ab').toContain(id[19]);
    }
  });

  it('differs within one millisecond and sorts by time across them', () => {
    const same = Array.from({ length: 1000 }, () => newId(1_764_547_200_000));
    expect(new Set(same).size).toBe(1000);
    const later = newId(1_764_547_200_001);
    expect(same.every((id) => id < later)).toBe(true);
    expect(timeOf(newId())).toBeGreaterThanOrEqual(Date.now() - 1000);
  });
});

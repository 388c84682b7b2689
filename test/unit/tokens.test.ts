import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSigningKeys } from '../../src/config.js';
import { newId } from '../../src/core/ids.js';
import { linksFor } from '../../src/domain/links/email-links.js';
import { signToken, verifyToken } from '../../src/domain/links/tokens.js';

const oldKey = parseSigningKeys('old:old-secret-0123456789abcdef0123456789');
const rotated = parseSigningKeys('new:new-secret-0123456789abcdef0123456789,old:old-secret-0123456789abcdef0123456789');
const recipient = newId();
const category = newId();

describe('tokens', () => {
  it('carries exactly the HMAC-SHA256 that createHmac computes, for short and long secrets', () => {
    for (const secret of ['s'.repeat(32), 'k'.repeat(64), `${'x'.repeat(100)}é`]) {
      const keys = parseSigningKeys(`kid1:${secret}`);
      for (let i = 0; i < 20; i++) {
        const token = signToken(keys, { purpose: 'unsubscribe', subjectId: newId(), categoryId: newId(), issuedAt: 1_800_000_000 + i });
        const raw = Buffer.from(token.slice(5), 'base64url');
        const payload = raw.subarray(0, raw.length - 16);
        const expected = createHmac('sha256', secret).update('mailprefs-token').update('kid1').update(payload).digest().subarray(0, 16);
        expect(raw.subarray(raw.length - 16).equals(expected)).toBe(true);
      }
    }
  });

  it('round-trips claims and stays short', () => {
    const token = signToken(rotated, { purpose: 'unsubscribe', subjectId: recipient, categoryId: category, issuedAt: 1_800_000_000 });
    expect(token.startsWith('new.')).toBe(true);
    expect(token.length).toBeLessThan(100);
    expect(verifyToken(rotated, token, 'unsubscribe')).toEqual({ purpose: 'unsubscribe', subjectId: recipient, categoryId: category, issuedAt: 1_800_000_000 });
    const prefs = signToken(rotated, { purpose: 'preferences', subjectId: recipient });
    expect(verifyToken(rotated, prefs, 'preferences')).toMatchObject({ subjectId: recipient });
  });

  it('rejects every single-character change', () => {
    const token = signToken(rotated, { purpose: 'unsubscribe', subjectId: recipient, categoryId: category });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    for (let i = 0; i < token.length; i++) {
      for (const ch of alphabet) {
        if (ch === token[i]) continue;
        const changed = token.slice(0, i) + ch + token.slice(i + 1);
        expect(verifyToken(rotated, changed, 'unsubscribe'), `position ${i} -> ${ch}`).toBeUndefined();
      }
    }
  });

  it('rejects truncation, extension, the wrong purpose, an unknown kid and junk', () => {
    const token = signToken(rotated, { purpose: 'unsubscribe', subjectId: recipient, categoryId: category });
    expect(verifyToken(rotated, token.slice(0, -1), 'unsubscribe')).toBeUndefined();
    expect(verifyToken(rotated, `${token}A`, 'unsubscribe')).toBeUndefined();
    expect(verifyToken(rotated, token, 'preferences')).toBeUndefined();
    expect(verifyToken(rotated, token.replace(/^new\./, 'zzz.'), 'unsubscribe')).toBeUndefined();
    for (const junk of ['', '.', 'new.', 'new..', '<script>', 'x'.repeat(5000), 'new.%00', "new.' or 1=1--"]) {
      expect(verifyToken(rotated, junk, 'unsubscribe')).toBeUndefined();
    }
  });

  it('verifies against a list of purposes, and only those', () => {
    const token = signToken(rotated, { purpose: 'unsubscribe', subjectId: recipient, categoryId: category });
    expect(verifyToken(rotated, token, ['preferences', 'unsubscribe'])).toMatchObject({ purpose: 'unsubscribe', subjectId: recipient });
    expect(verifyToken(rotated, token, ['preferences', 'confirm'])).toBeUndefined();
    expect(verifyToken(rotated, token, [])).toBeUndefined();
  });

  it("signs a marketing email's links once: its preference link is its unsubscribe token under /p/", () => {
    const config = { publicUrl: 'https://prefs.example.test', signingKeys: rotated };
    const noticeId = newId();
    const links = linksFor(config, recipient, { id: category, kind: 'marketing' }, { noticeId });
    const token = links.unsubscribeUrl!.split('/u/')[1]!;
    expect(links.preferencesUrl).toBe(`https://prefs.example.test/p/${token}`);
    expect(verifyToken(rotated, token, 'unsubscribe')).toMatchObject({ subjectId: recipient, categoryId: category, trace: { noticeId } });
    // A transactional email has no unsubscribe link: its preference link is a preferences token.
    const receipt = linksFor(config, recipient, { id: category, kind: 'transactional' }, { noticeId });
    expect(receipt.unsubscribeUrl).toBeUndefined();
    expect(verifyToken(rotated, receipt.preferencesUrl.split('/p/')[1]!, 'preferences')).toMatchObject({ subjectId: recipient, trace: { noticeId } });
  });

  it('keeps verifying tokens of a key rotated to second place, and stops once it is removed', () => {
    const signedByOld = signToken(oldKey, { purpose: 'preferences', subjectId: recipient });
    expect(verifyToken(rotated, signedByOld, 'preferences')).toMatchObject({ subjectId: recipient });
    const newOnly = parseSigningKeys('new:new-secret-0123456789abcdef0123456789');
    expect(verifyToken(newOnly, signedByOld, 'preferences')).toBeUndefined();
  });

  it('does not verify under a key with the same kid but another secret', () => {
    const token = signToken(oldKey, { purpose: 'preferences', subjectId: recipient });
    const impostor = parseSigningKeys('old:another-secret-0123456789abcdef012345');
    expect(verifyToken(impostor, token, 'preferences')).toBeUndefined();
  });

  it('lets the data-rights purposes live 30 minutes, and everyday links forever (issue 10)', () => {
    const keys = parseSigningKeys('k:short-lived-secret-0123456789abcdef0123');
    const subjectId = newId();
    const at = 1_900_000_000;
    for (const purpose of ['verified_preferences', 'step_up'] as const) {
      const token = signToken(keys, { purpose, subjectId, issuedAt: at });
      expect(verifyToken(keys, token, purpose, at)).toMatchObject({ subjectId, purpose });
      expect(verifyToken(keys, token, purpose, at + 30 * 60)).toMatchObject({ subjectId });
      expect(verifyToken(keys, token, purpose, at + 30 * 60 + 1)).toBeUndefined();
      // Signed in the future: a forged time or a broken clock, refused beyond a minute's skew.
      expect(verifyToken(keys, token, purpose, at - 60)).toMatchObject({ subjectId });
      expect(verifyToken(keys, token, purpose, at - 61)).toBeUndefined();
      expect(verifyToken(keys, token, 'preferences', at)).toBeUndefined();
    }
    const everyday = signToken(keys, { purpose: 'preferences', subjectId, issuedAt: at });
    expect(verifyToken(keys, everyday, 'preferences', at + 10 * 365 * 86_400)).toMatchObject({ subjectId });
    expect(verifyToken(keys, everyday, 'verified_preferences', at)).toBeUndefined();
  });

  describe('traced to their mail (issue 12)', () => {
    const notice = newId();
    const broadcast = newId();
    const traced = (trace: { noticeId: string; broadcastId?: string }) =>
      signToken(rotated, { purpose: 'unsubscribe', subjectId: recipient, categoryId: category, trace, issuedAt: 1_800_000_000 });

    it('round-trips the notice and broadcast ids and stays under 200 characters', () => {
      const one = traced({ noticeId: notice });
      const both = traced({ noticeId: notice, broadcastId: broadcast });
      expect(verifyToken(rotated, one, 'unsubscribe')).toEqual({
        purpose: 'unsubscribe',
        subjectId: recipient,
        categoryId: category,
        issuedAt: 1_800_000_000,
        trace: { noticeId: notice },
      });
      expect(verifyToken(rotated, both, 'unsubscribe')?.trace).toEqual({ noticeId: notice, broadcastId: broadcast });
      expect(both.length).toBeLessThan(130);
      const prefs = signToken(rotated, { purpose: 'preferences', subjectId: recipient, trace: { noticeId: notice, broadcastId: broadcast } });
      expect(verifyToken(rotated, prefs, 'preferences')).toMatchObject({ subjectId: recipient, trace: { noticeId: notice, broadcastId: broadcast } });
    });

    it('stays under the 200 characters verifyToken accepts with the longest kid SIGNING_KEYS allows', () => {
      const keys = parseSigningKeys(`${'k'.repeat(16)}:long-kid-secret-0123456789abcdef0123456`);
      const token = signToken(keys, {
        purpose: 'unsubscribe',
        subjectId: recipient,
        categoryId: category,
        trace: { noticeId: notice, broadcastId: broadcast },
      });
      expect(token.length).toBeLessThan(140);
      expect(verifyToken(keys, token, 'unsubscribe')?.trace).toEqual({ noticeId: notice, broadcastId: broadcast });
    });

    it('traces a double opt-in confirmation link to its mail; one without a trace keeps verifying', () => {
      const claims = { purpose: 'confirm', subjectId: recipient, categoryId: category } as const;
      const confirm = signToken(rotated, { ...claims, trace: { noticeId: notice } });
      expect(confirm.length).toBeLessThan(110);
      expect(verifyToken(rotated, confirm, 'confirm')).toMatchObject({ ...claims, trace: { noticeId: notice } });
      expect(verifyToken(rotated, confirm, 'unsubscribe')).toBeUndefined();
      const plain = verifyToken(rotated, signToken(rotated, claims), 'confirm');
      expect(plain).toMatchObject(claims);
      expect(plain).not.toHaveProperty('trace');
    });

    it('rejects every single-character change of a traced token', () => {
      const token = traced({ noticeId: notice, broadcastId: broadcast });
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
      for (let i = 0; i < token.length; i++) {
        for (const ch of alphabet) {
          if (ch === token[i]) continue;
          expect(verifyToken(rotated, token.slice(0, i) + ch + token.slice(i + 1), 'unsubscribe'), `position ${i} -> ${ch}`).toBeUndefined();
        }
      }
    });

    it('verifies tokens made before tracing existed, byte for byte as they were signed', () => {
      // Signed by the untraced (version 1) code with this key and time: links in mail already sent.
      const ids = { subjectId: '0191d8a0-0000-7000-8000-000000000001', categoryId: '0191d8a0-0000-7000-8000-000000000002' };
      const unsubscribe = 'old.AQFrSdIAAZHYoAAAcACAAAAAAAAAAQGR2KAAAHAAgAAAAAAAAAJxCKv-KvE6lD9hvxrG1Rcf';
      const preferences = 'old.AQJrSdIAAZHYoAAAcACAAAAAAAAAAeZJbFV8C4nycMbaZfmFenw';
      expect(verifyToken(rotated, unsubscribe, 'unsubscribe')).toEqual({ purpose: 'unsubscribe', issuedAt: 1_800_000_000, ...ids });
      expect(verifyToken(rotated, preferences, 'preferences')).toEqual({ purpose: 'preferences', issuedAt: 1_800_000_000, subjectId: ids.subjectId });
      // And an untraced link is still signed the same way.
      expect(signToken(oldKey, { purpose: 'unsubscribe', issuedAt: 1_800_000_000, ...ids })).toBe(unsubscribe);
    });

    it('puts no trace on the purposes that are not in a notice, nor takes ids that are not UUIDs', () => {
      for (const purpose of ['email_change', 'verified_preferences', 'step_up'] as const) {
        expect(() => signToken(rotated, { purpose, subjectId: recipient, trace: { noticeId: notice } })).toThrow(/no mail trace/);
      }
      expect(() => traced({ noticeId: 'not-a-uuid' })).toThrow(/UUID/);
      expect(() => traced({ noticeId: notice, broadcastId: "x' or 1=1--" })).toThrow(/UUID/);
    });
  });
});

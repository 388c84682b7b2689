// The links and headers that go into an email for one recipient and category.
import type { Config } from '../../config.js';
import type { Category, MailTrace } from '../../core/vocabulary.js';
import { signToken } from './tokens.js';

export interface EmailLinks {
  preferencesUrl: string;
  /** Marketing only: the page with one "Unsubscribe" button. */
  unsubscribeUrl?: string;
  /** Marketing only: the RFC 8058 target. The same URL: GET shows the page, POST unsubscribes. */
  oneClickUrl?: string;
  headers?: { 'List-Unsubscribe': string; 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** The everyday preference link; `trace` names the mail it goes into, so a change made there is traced to it. */
export function preferencesUrlFor(config: Pick<Config, 'publicUrl' | 'signingKeys'>, recipientId: string, trace?: MailTrace): string {
  return `${config.publicUrl}/p/${signToken(config.signingKeys, { purpose: 'preferences', subjectId: recipientId, ...(trace && { trace }) })}`;
}

/**
 * A preference link that opens the data rights without the step-up, for 30 minutes (tokens.ts
 * TTL_SECONDS): where a step-up link leads, or what an integrator that has signed the person in mints.
 */
export function verifiedPreferencesUrlFor(config: Pick<Config, 'publicUrl' | 'signingKeys'>, recipientId: string): string {
  return `${config.publicUrl}/p/${signToken(config.signingKeys, { purpose: 'verified_preferences', subjectId: recipientId })}`;
}

/**
 * The links of one email; a notice's carry its `trace`, so the unsubscribe names the mail it came from.
 * A marketing email's preference link is its unsubscribe token under /p/: the same person, the same
 * holder of the same email, so one signature serves both (docs/api.md "Pages"; docs/performance.md).
 */
export function linksFor(
  config: Pick<Config, 'publicUrl' | 'signingKeys'>,
  recipientId: string,
  category: Pick<Category, 'id' | 'kind'>,
  trace?: MailTrace,
): EmailLinks {
  if (category.kind !== 'marketing') return { preferencesUrl: preferencesUrlFor(config, recipientId, trace) };
  const token = signToken(config.signingKeys, { purpose: 'unsubscribe', subjectId: recipientId, categoryId: category.id, ...(trace && { trace }) });
  const unsubscribeUrl = `${config.publicUrl}/u/${token}`;
  return {
    preferencesUrl: `${config.publicUrl}/p/${token}`,
    unsubscribeUrl,
    oneClickUrl: unsubscribeUrl,
    // RFC 8058 §3.1: exactly one https URI that identifies recipient and list, plus the Post header.
    headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

/** The double opt-in confirmation page for one recipient and category (`/c/TOKEN`); `trace` names the mail it goes into. */
export function confirmUrlFor(config: Pick<Config, 'publicUrl' | 'signingKeys'>, recipientId: string, categoryId: string, trace?: MailTrace): string {
  return `${config.publicUrl}/c/${signToken(config.signingKeys, { purpose: 'confirm', subjectId: recipientId, categoryId, ...(trace && { trace }) })}`;
}

/** Confirming a pending email change (`/e/TOKEN`); the token names the change, not the recipient. */
/** The single-use confirmation mailed before a data right is exercised (src/domain/self-service/step-up.ts). */
export function stepUpUrlFor(config: Pick<Config, 'publicUrl' | 'signingKeys'>, stepUpId: string): string {
  return `${config.publicUrl}/s/${signToken(config.signingKeys, { purpose: 'step_up', subjectId: stepUpId })}`;
}

export function emailChangeUrlFor(config: Pick<Config, 'publicUrl' | 'signingKeys'>, changeId: string): string {
  return `${config.publicUrl}/e/${signToken(config.signingKeys, { purpose: 'email_change', subjectId: changeId })}`;
}

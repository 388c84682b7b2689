// One row of an import (docs/api.md "Imports"), as the readers hand it to importRows.

export interface ImportRow {
  /** The row's line in the file (CSV: where the record starts; the header is line 1). */
  line: number;
  email: string;
  externalId?: string | undefined;
  locale?: string | undefined;
  subscriptions: Record<string, 'subscribed' | 'unsubscribed'>;
  /** When and how the person gave consent, as the exporting system recorded it: kept in the ledger (GDPR Art. 7(1)). */
  consentedAt?: string | undefined;
  consentSource?: string | undefined;
  ip?: string | undefined;
  userAgent?: string | undefined;
  consentText?: string | undefined;
}

/** A row that could not be read: its line and why. */
export interface UnreadableRow {
  line: number;
  reason: string;
}

export type ParsedRow = { ok: true; row: ImportRow } | ({ ok: false } & UnreadableRow);

export type ImportOutcome = 'created' | 'updated' | 'unchanged' | 'refused' | 'invalid';

export interface RowResult {
  line: number;
  status: ImportOutcome;
  /** The recipient's id, for created, updated and unchanged rows. */
  id?: string;
  reason?: string;
}

export interface ImportSummary {
  summary: { rows: number; created: number; updated: number; unchanged: number; refused: number; invalid: number; dryRun: boolean };
}

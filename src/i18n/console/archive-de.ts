import type { archiveEn } from './archive-en.js';

export const archiveDe: typeof archiveEn = {
  colArchived: 'Zustand',
  stateInUse: 'in Gebrauch',
  stateArchived: 'archiviert',
  archiveHeading: 'Diese Kategorie archivieren',
  archiveLead:
    'Eine archivierte Kategorie behält ihre Abonnements, ihre Einwilligungshistorie und das Ledger. Sie verschwindet von der Einstellungsseite, nimmt keine neuen Abonnements an, und in ihr wird nichts gesendet, bis sie wieder in Gebrauch genommen wird.',
  archiveTransactionalLead:
    'Diese Kategorie ist transaktional: Solange sie archiviert ist, werden auch ihre Benachrichtigungen nicht gesendet (sie werden als category_archived übersprungen).',
  archiveConfirmLabel: 'Mir ist klar, dass in dieser Kategorie keine E-Mail mehr gesendet wird',
  archiveButton: 'Archivieren',
  unarchiveHeading: 'Diese Kategorie ist archiviert',
  unarchiveLead: (at: string) => `Archiviert am ${at} (UTC). Wieder in Gebrauch genommen, gilt für alle wieder ihr bisheriger Stand.`,
  unarchiveButton: 'Wieder in Gebrauch nehmen',
  doneArchived: 'Archiviert.',
  doneUnarchived: 'Wieder in Gebrauch.',
};

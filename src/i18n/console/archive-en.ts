// Archiving categories (docs/console.md "Categories"), kept beside the console's catalog and spread into it.
export const archiveEn = {
  colArchived: 'State',
  stateInUse: 'in use',
  stateArchived: 'archived',
  archiveHeading: 'Archive this category',
  archiveLead:
    'An archived category keeps its subscriptions, its consent history and the ledger. It leaves the preference page, takes no new subscriptions, and nothing is sent in it until it is put back in use.',
  archiveTransactionalLead: 'This category is transactional: while it is archived, its notices are not sent either (they are skipped as category_archived).',
  archiveConfirmLabel: 'I understand that no mail in this category will be sent',
  archiveButton: 'Archive',
  unarchiveHeading: 'This category is archived',
  unarchiveLead: (at: string) => `Archived on ${at} (UTC). Putting it back in use restores everyone's state in it as it was.`,
  unarchiveButton: 'Put back in use',
  doneArchived: 'Archived.',
  doneUnarchived: 'Back in use.',
};

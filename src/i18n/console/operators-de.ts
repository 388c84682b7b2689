import type { operatorsEn } from './operators-en.js';

export const operatorsDe: typeof operatorsEn = {
  navOperators: 'Operatoren',
  operatorsLead:
    'Die Personen, die sich an der Konsole anmelden dürfen. Ein neuer oder zurückgesetzter Operator erhält einen einmaligen Link zum Festlegen des Passworts: Er funktioniert einmal, innerhalb von 24 Stunden.',
  colRole: 'Rolle',
  colLastSignIn: 'Letzte Anmeldung (UTC)',
  neverSignedIn: 'nie',
  stateInvited: 'eingeladen',
  stateDisabled: 'deaktiviert',
  youMark: '(Sie)',
  selfHint: 'Ihr eigenes Konto ändert ein anderer Admin.',
  newOperatorLegend: 'Neuer Operator',
  changeRoleButton: 'Rolle ändern',
  disableOperatorButton: 'Deaktivieren',
  resetOperatorButton: 'Zurücksetzen',
  resetEnableButton: 'Zurücksetzen und aktivieren',
  operatorLinkHeading: (email: string) => `Senden Sie diesen Link vertraulich an ${email}`,
  operatorLinkLead: 'Er legt einmal ein Passwort fest, innerhalb von 24 Stunden. Er wird nur jetzt angezeigt; ein Zurücksetzen erzeugt einen neuen.',
  operatorLinkLabel: 'Link zum Festlegen des Passworts',
  doneRoleChanged: 'Rolle geändert.',
  doneDisabled: 'Deaktiviert. Die Sitzungen sind beendet.',
};

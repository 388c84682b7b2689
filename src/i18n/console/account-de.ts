import type { accountEn } from './account-en.js';

export const accountDe: typeof accountEn = {
  accountLink: 'Passwort ändern',
  accountHeading: 'Ihr Passwort ändern',
  accountLead: 'Geben Sie Ihr jetziges Passwort ein, dann zweimal das neue. Alle anderen Sitzungen von Ihnen enden; diese bleibt.',
  currentPasswordLabel: 'Jetziges Passwort',
  repeatPasswordLabel: 'Neues Passwort, noch einmal',
  changePasswordButton: 'Passwort ändern',
  currentPasswordWrong: 'Das jetzige Passwort stimmt nicht.',
  passwordRulesFailed: (min: number, max: number) => `Das neue Passwort braucht mindestens ${min} und höchstens ${max} Zeichen.`,
  passwordsDiffer: 'Die beiden neuen Passwörter sind nicht gleich.',
  donePasswordChanged: 'Ihr Passwort ist geändert. Ihre anderen Sitzungen sind beendet.',
};

// An operator's own account (docs/console.md "Your own password"), kept beside the console's catalog and spread into it.
export const accountEn = {
  accountLink: 'Change your password',
  accountHeading: 'Change your password',
  accountLead: 'Type your current password, then the new one twice. Every other session of yours ends; this one continues.',
  currentPasswordLabel: 'Current password',
  repeatPasswordLabel: 'New password, again',
  changePasswordButton: 'Change password',
  currentPasswordWrong: 'The current password is not right.',
  passwordRulesFailed: (min: number, max: number) => `The new password needs at least ${min} and at most ${max} characters.`,
  passwordsDiffer: 'The two new passwords are not the same.',
  donePasswordChanged: 'Your password is changed. Your other sessions have ended.',
};

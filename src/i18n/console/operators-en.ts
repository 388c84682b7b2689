// The operators screen (docs/console.md "Operators"), kept beside the console's catalog and spread into it.
export const operatorsEn = {
  navOperators: 'Operators',
  operatorsLead:
    'The people who may sign in to the console. A new operator, or one who is reset, gets a one-time link to set a password: it works once, within 24 hours.',
  colRole: 'Role',
  colLastSignIn: 'Last sign-in (UTC)',
  neverSignedIn: 'never',
  stateInvited: 'invited',
  stateDisabled: 'disabled',
  youMark: '(you)',
  selfHint: 'Another admin changes your own account.',
  newOperatorLegend: 'New operator',
  changeRoleButton: 'Change role',
  disableOperatorButton: 'Disable',
  resetOperatorButton: 'Reset',
  resetEnableButton: 'Reset and enable',
  operatorLinkHeading: (email: string) => `Send this link to ${email}, privately`,
  operatorLinkLead: 'It sets a password once, within 24 hours. It is shown only now; a reset makes a new one.',
  operatorLinkLabel: 'Set-password link',
  doneRoleChanged: 'Role changed.',
  doneDisabled: 'Disabled. Their sessions have ended.',
};

import type { accountEn } from './account-en.js';

export const accountZhCN: typeof accountEn = {
  accountLink: '更改密码',
  accountHeading: '更改您的密码',
  accountLead: '输入当前密码，再输入两次新密码。您的其他会话都会结束；当前会话保持不变。',
  currentPasswordLabel: '当前密码',
  repeatPasswordLabel: '再次输入新密码',
  changePasswordButton: '更改密码',
  currentPasswordWrong: '当前密码不正确。',
  passwordRulesFailed: (min: number, max: number) => `新密码需要至少 ${min} 个、至多 ${max} 个字符。`,
  passwordsDiffer: '两次输入的新密码不一致。',
  donePasswordChanged: '您的密码已更改。您的其他会话已结束。',
};

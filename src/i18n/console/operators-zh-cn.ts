import type { operatorsEn } from './operators-en.js';

export const operatorsZhCN: typeof operatorsEn = {
  navOperators: '操作员',
  operatorsLead: '可以登录控制台的人员。新操作员或被重置的操作员会收到一个设置密码的一次性链接：只能使用一次，24 小时内有效。',
  colRole: '角色',
  colLastSignIn: '上次登录（UTC）',
  neverSignedIn: '从未',
  stateInvited: '已邀请',
  stateDisabled: '已停用',
  youMark: '（你）',
  selfHint: '你自己的账户由另一位管理员更改。',
  newOperatorLegend: '新操作员',
  changeRoleButton: '更改角色',
  disableOperatorButton: '停用',
  resetOperatorButton: '重置',
  resetEnableButton: '重置并启用',
  operatorLinkHeading: (email: string) => `请私下把此链接发送给 ${email}`,
  operatorLinkLead: '它可在 24 小时内设置一次密码。只在此时显示；重置会生成新的链接。',
  operatorLinkLabel: '设置密码链接',
  doneRoleChanged: '角色已更改。',
  doneDisabled: '已停用。其会话已结束。',
};

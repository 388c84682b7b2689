import type { archiveEn } from './archive-en.js';

export const archiveZhCN: typeof archiveEn = {
  colArchived: '状态',
  stateInUse: '使用中',
  stateArchived: '已归档',
  archiveHeading: '归档此类别',
  archiveLead: '已归档的类别保留其订阅、同意历史和账本。它会从偏好设置页面消失，不再接受新的订阅，在重新启用之前不会发送任何邮件。',
  archiveTransactionalLead: '此类别是事务性的：归档期间，它的通知也不会发送（以 category_archived 跳过）。',
  archiveConfirmLabel: '我了解此类别中将不再发送任何邮件',
  archiveButton: '归档',
  unarchiveHeading: '此类别已归档',
  unarchiveLead: (at: string) => `归档于 ${at}（UTC）。重新启用后，每个人在其中的状态恢复原样。`,
  unarchiveButton: '重新启用',
  doneArchived: '已归档。',
  doneUnarchived: '已重新启用。',
};

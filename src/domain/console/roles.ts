// What each operator role may do. Viewers read; editors also act on recipients and broadcasts;
// admins also manage categories, API keys, webhook endpoints and operators.
export const OPERATOR_ROLES = ['admin', 'editor', 'viewer'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** `read` every screen; `act` on recipients, suppressions and broadcasts; `manage` the configuration. */
export type Permission = 'read' | 'act' | 'manage';

const GRANTS: Record<OperatorRole, readonly Permission[]> = {
  viewer: ['read'],
  editor: ['read', 'act'],
  admin: ['read', 'act', 'manage'],
};

export function isOperatorRole(text: string): text is OperatorRole {
  return (OPERATOR_ROLES as readonly string[]).includes(text);
}

export function can(role: OperatorRole, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

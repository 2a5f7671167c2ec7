import { enumOf } from './enum.value';

export const ROLE_CATEGORIES = ['c-suite', 'research', 'product', 'commercial', 'safety', 'board', 'other'] as const;
export type RoleCategory = (typeof ROLE_CATEGORIES)[number];

export const roleCategorySchema = enumOf(ROLE_CATEGORIES);

import type { RoleCategory } from '../values/role-category.value';

// Order matters: a "Chief Research Officer" is c-suite first, a "Head of Safety Research" is safety.
const RULES: ReadonlyArray<[RegExp, RoleCategory]> = [
  [/\b(ceo|cto|cfo|coo|cpo|cro|cmo|cio|ciso|chief)\b/i, 'c-suite'],
  [/\b(board|chair(man|woman|person)?)\b/i, 'board'],
  [/\b(safety|alignment|preparedness|readiness)\b/i, 'safety'],
  [/\b(research|researcher|scientist|science)\b/i, 'research'],
  [/\bproduct/i, 'product'],
  [/\b(sales|commercial|revenue|business development|go-to-market)\b/i, 'commercial'],
];

/** Guesses a role category from a free-text role title; "other" when nothing matches. */
export function inferRoleCategory(role: string): RoleCategory {
  for (const [pattern, category] of RULES) if (pattern.test(role ?? '')) return category;
  return 'other';
}

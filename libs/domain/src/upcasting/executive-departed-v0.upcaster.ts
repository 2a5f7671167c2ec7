import { DEPARTURE_REASONS } from '../events/executive-departed.event';
import { isSubject } from '../values/subject.value';
import { inferRoleCategory } from './role-category.util';
import type { Upcaster } from './upcaster.types';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function toOrgSubject(organization: unknown): string {
  if (isSubject(organization)) return organization;
  const slug = String(organization ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `org:${slug || 'unknown'}`;
}

/**
 * v0 departures were free text {organization, role}: v1 needs an org subject, a roleCategory and a reason,
 * so the category is inferred from the role title and the reason defaults to unknown.
 */
export const executiveDepartedV0Upcaster: Upcaster = {
  type: 'executive.departed',
  fromVersion: 0,
  up(input: unknown) {
    const data = isRecord(input) ? input : {};
    const v1: Record<string, unknown> = {
      organization: toOrgSubject(data.organization),
      role: String(data.role ?? ''),
      roleCategory: inferRoleCategory(String(data.role ?? '')),
      reason: (DEPARTURE_REASONS as readonly unknown[]).includes(data.reason) ? data.reason : 'unknown',
    };
    if (typeof data.destination === 'string') v1.destination = data.destination;
    return v1;
  },
};

import type { FactModel } from '../facts/fact-model';
import type { FactVersion } from '../facts/fact-version';

/** Roles compare without case or spacing differences ("Chief  technology officer" is the same role). */
export const roleKeyOf = (role: unknown): string => String(role ?? '').trim().replace(/\s+/g, ' ').toLowerCase();

/** Appointments and departures, one row per fact version; tenures are paired from them at query time. */
export const leadershipModel: FactModel = {
  types: ['executive.appointed', 'executive.departed'],
  columns: {
    organization: 'plain', kind: 'plain', role: 'plain', role_key: 'plain', role_category: 'plain', interim: 'plain',
    reason: 'plain', destination: 'plain',
  },
  rows: (f: FactVersion) => [
    {
      part: '',
      columns: {
        organization: f.data.organization,
        kind: f.type === 'executive.appointed' ? 'appointed' : 'departed',
        role: f.data.role,
        role_key: roleKeyOf(f.data.role),
        role_category: f.data.roleCategory ?? 'other',
        interim: f.data.interim === true,
        reason: f.data.reason ?? null,
        destination: f.data.destination ?? null,
      },
    },
  ],
};

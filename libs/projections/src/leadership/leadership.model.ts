import { textOf } from '@newsroom/domain';
import type { FactModel } from '../facts/fact-model.types';

/** Roles compare without case or spacing differences ("Chief  technology officer" is the same role). */
export const roleKeyOf = (role: unknown): string => textOf(role).trim().replace(/\s+/g, ' ').toLowerCase();

/** Appointments and departures, one row per fact version; tenures are paired from them at query time. */
export const leadershipModel: FactModel<'executive.appointed' | 'executive.departed'> = {
  types: ['executive.appointed', 'executive.departed'],
  columns: {
    organization: 'plain',
    kind: 'plain',
    role: 'plain',
    role_key: 'plain',
    role_category: 'plain',
    interim: 'plain',
    reason: 'plain',
    destination: 'plain',
  },
  rows: (f) => {
    const appointed = f.type === 'executive.appointed' ? f.data : null;
    const departed = f.type === 'executive.departed' ? f.data : null;
    return [
      {
        part: '',
        columns: {
          organization: f.data.organization,
          kind: f.type === 'executive.appointed' ? 'appointed' : 'departed',
          role: f.data.role,
          role_key: roleKeyOf(f.data.role),
          role_category: f.data.roleCategory ?? 'other',
          interim: appointed?.interim === true,
          reason: departed?.reason ?? null,
          destination: departed?.destination ?? null,
        },
      },
    ];
  },
};

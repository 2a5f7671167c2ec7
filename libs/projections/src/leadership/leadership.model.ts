import { comparableText } from '@newsroom/domain';
import type { FactModel } from '../facts/fact-model.types';
import { localizedColumn, plainTextColumn } from '../facts/localized-column.util';

/**
 * Roles compare without case or spacing differences ("Chief  technology officer" is the same role), by their English
 * text (a role given in French only pairs through the glossary: "directrice technique" is Chief Technology Officer):
 * as the conflict rules compare a departure's role, so the roster, the departure counts and the conflicts agree.
 */
export const roleKeyOf = (role: unknown): string => comparableText(role);

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
    role_i18n: 'json',
    destination_i18n: 'json',
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
          role: plainTextColumn(f.data.role),
          role_key: roleKeyOf(f.data.role),
          role_category: f.data.roleCategory ?? 'other',
          interim: appointed?.interim === true,
          reason: departed?.reason ?? null,
          destination: plainTextColumn(departed?.destination),
          role_i18n: localizedColumn(f.data.role),
          destination_i18n: localizedColumn(departed?.destination),
        },
      },
    ];
  },
};

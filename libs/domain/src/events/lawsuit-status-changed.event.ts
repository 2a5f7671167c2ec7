import { z } from 'zod';
import { enumOf } from '../values/enum.value';
import { textSchema } from '../values/text.value';
import { localized } from '../values/localized-text.value';
import { defineEvent } from './event-definition.factory';

export const LAWSUIT_STATUSES = [
  'amended',
  'motion_filed',
  'injunction_sought',
  'injunction_denied',
  'injunction_granted',
  'dismissed',
  'withdrawn',
  'settled',
  'ruled',
  'appealed',
] as const;
export type LawsuitStatus = (typeof LAWSUIT_STATUSES)[number];

// After these only an appeal may follow; a refiled suit is a new case.
export const CLOSED_LAWSUIT_STATUSES: readonly LawsuitStatus[] = ['withdrawn', 'dismissed', 'settled'];

/** A step in a filed case. */
export const lawsuitStatusChangedEvent = defineEvent({
  type: 'lawsuit.status_changed',
  subjectKind: 'case',
  schemaVersion: 1,
  recordable: true,
  data: z.strictObject({
    status: enumOf(LAWSUIT_STATUSES),
    detail: localized(textSchema).optional(),
  }),
});

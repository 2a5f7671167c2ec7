import { conflictsWithColumn, CsvColumn, factSourcingColumns } from '../shared/csv.writer';
import { TimelineItemDto } from './timeline.repository';

/** CSV columns of a timeline page (also an entity's related events). */
export const TIMELINE_CSV: readonly CsvColumn<TimelineItemDto>[] = [
  { header: 'occurred_at', value: (i) => i.occurredAt }, { header: 'type', value: (i) => i.type }, { header: 'subject', value: (i) => i.subject },
  { header: 'role', value: (i) => i.role }, { header: 'headline', value: (i) => i.headline }, { header: 'modality', value: (i) => i.modality },
  { header: 'status', value: (i) => i.status }, { header: 'recorded_at', value: (i) => i.recordedAt },
  { header: 'sources', value: (i) => i.sources.map((s) => s.outlet) }, { header: 'fact_id', value: (i) => i.factId },
  ...factSourcingColumns<TimelineItemDto>((i) => i),
  // Added later, so at the end: the subject's name and the entity it is shown under (merged subjects resolved).
  { header: 'subject_name', value: (i) => i.subjectName }, { header: 'canonical_subject', value: (i) => i.canonicalSubject },
  // Then the instants the date stands for (the JSON's validFrom, validTo), which a spreadsheet can sort and filter by.
  { header: 'valid_from', value: (i) => i.validFrom }, { header: 'valid_to', value: (i) => i.validTo },
  // The conflicts the fact is a side of (the JSON's conflictsWith; the view attaches them before writing).
  conflictsWithColumn<TimelineItemDto>((i) => i),
];

import type { z } from 'zod';
import type { SubjectKind } from '../values/subject.value';
import type { EventDefinition } from './event-definition.factory';
import { conflictResolvedEvent } from './conflict-resolved.event';
import { eventCorrectedEvent } from './event-corrected.event';
import { entityAliasedEvent } from './entity-aliased.event';
import { entityMergedEvent } from './entity-merged.event';
import { entityUnmergedEvent } from './entity-unmerged.event';
import { eventRetractedEvent } from './event-retracted.event';
import { eventSourcedEvent } from './event-sourced.event';
import { executiveAppointedEvent } from './executive-appointed.event';
import { executiveDepartedEvent } from './executive-departed.event';
import { financialLossReportedEvent } from './financial-loss-reported.event';
import { fundingRoundClosedEvent } from './funding-round-closed.event';
import { governanceRestructuringAnnouncedEvent } from './governance-restructuring-announced.event';
import { headcountReportedEvent } from './headcount-reported.event';
import { lawsuitFiledEvent } from './lawsuit-filed.event';
import { lawsuitStatusChangedEvent } from './lawsuit-status-changed.event';
import { productAnnouncedEvent } from './product-announced.event';
import { regulatoryInterventionRequestedEvent } from './regulatory-intervention-requested.event';
import { revenueReportedEvent } from './revenue-reported.event';
import { revenueTargetSetEvent } from './revenue-target-set.event';
import { strategyRevenueModelExploredEvent } from './strategy-revenue-model-explored.event';

/** The v1 taxonomy, in the order of PRODUCT.md. Adding a type here is the whole registration. */
export const EVENT_DEFINITIONS = [
  executiveAppointedEvent,
  executiveDepartedEvent,
  headcountReportedEvent,
  revenueReportedEvent,
  revenueTargetSetEvent,
  financialLossReportedEvent,
  fundingRoundClosedEvent,
  lawsuitFiledEvent,
  lawsuitStatusChangedEvent,
  regulatoryInterventionRequestedEvent,
  productAnnouncedEvent,
  strategyRevenueModelExploredEvent,
  governanceRestructuringAnnouncedEvent,
  eventCorrectedEvent,
  eventRetractedEvent,
  entityMergedEvent,
  entityUnmergedEvent,
  entityAliasedEvent,
  eventSourcedEvent,
  conflictResolvedEvent,
] as const;

type AnyDefinition = (typeof EVENT_DEFINITIONS)[number];

export type EventType = AnyDefinition['type'];
export type CorrectionEventType = 'event.corrected' | 'event.retracted';
/** Editors' records about entities themselves (made by the entity aliases endpoint), not story facts. */
export type EntityEventType = 'entity.merged' | 'entity.unmerged' | 'entity.aliased';
/** Made only by their own endpoints (corrections, retractions, attached sources, entity aliases, conflict resolutions), never through POST /v1/events. */
export type EndpointOnlyEventType = CorrectionEventType | 'event.sourced' | EntityEventType | 'conflict.resolved';
export type RecordableEventType = Exclude<EventType, EndpointOnlyEventType>;

/** The data shape of each type, e.g. EventDataMap['executive.departed']. */
export type EventDataMap = { [D in AnyDefinition as D['type']]: z.infer<D['data']> };

const BY_TYPE = new Map<string, AnyDefinition>(EVENT_DEFINITIONS.map((d) => [d.type, d]));

export const EVENT_TYPES: readonly EventType[] = Object.freeze(EVENT_DEFINITIONS.map((d) => d.type));

export const RECORDABLE_EVENT_TYPES: readonly RecordableEventType[] = Object.freeze(
  EVENT_DEFINITIONS.filter((d) => d.recordable).map((d) => d.type as RecordableEventType),
);

export const CURRENT_SCHEMA_VERSION: Readonly<Record<EventType, number>> = Object.freeze(
  Object.fromEntries(EVENT_DEFINITIONS.map((d) => [d.type, d.schemaVersion])) as Record<EventType, number>,
);

/** The subject kind each type's stream must have; null for corrections and retractions (any kind). */
export const SUBJECT_KIND_BY_TYPE: Readonly<Record<EventType, SubjectKind | null>> = Object.freeze(
  Object.fromEntries(EVENT_DEFINITIONS.map((d) => [d.type, d.subjectKind])) as Record<EventType, SubjectKind | null>,
);

export function isEventType(s: unknown): s is EventType {
  return typeof s === 'string' && BY_TYPE.has(s);
}

export function isRecordableEventType(s: unknown): s is RecordableEventType {
  return isEventType(s) && BY_TYPE.get(s)!.recordable;
}

export function eventDefinitionOf(type: EventType): EventDefinition<EventType, z.ZodType> {
  return BY_TYPE.get(type) as EventDefinition<EventType, z.ZodType>;
}

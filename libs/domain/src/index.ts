// Public API of @newsroom/domain: plain TypeScript, no framework, no clock, no random ids.

export { textOf } from './values/text.value';
export { withArticle } from './values/article.util';
export * from './errors/domain.errors';
export type { FieldError, Validation } from './validation/validation.types';

export * from './values/subject.value';
export * from './values/period.value';
export { inValidTimeOrder, surelyAfter, type ValidTimePlace } from './values/valid-time-order.util';
export * from './values/money.value';
export * from './values/currency-codes.const';
export * from './values/language.value';
export * from './values/modality.value';
export * from './values/role-category.value';
export * from './values/source.value';
export * from './values/inferred.value';
export { readerKey } from './values/reader-key.util';
export { LIMITS } from './values/text.value';
export * from './values/localized-text.value';
export { comparableText, textIn, markedTextIn, glossaryTranslation, type TextIn } from './values/localized-text.rules';
export { BILINGUAL_GLOSSARY, type GlossaryEntry } from './values/bilingual-glossary.const';
export { LOCALIZED_FIELDS, localizedValuesOf, fallbacksIn } from './events/localized-fields.registry';

export type { EventDefinition } from './events/event-definition.factory';
export * from './events/event-catalog.registry';
export * from './events/story-event.types';
export * from './events/executive-appointed.event';
export * from './events/executive-departed.event';
export * from './events/headcount-reported.event';
export * from './events/revenue-reported.event';
export * from './events/revenue-target-set.event';
export * from './events/financial-loss-reported.event';
export * from './events/funding-round-closed.event';
export * from './events/lawsuit-filed.event';
export * from './events/lawsuit-status-changed.event';
export * from './events/regulatory-intervention-requested.event';
export * from './events/product-announced.event';
export * from './events/strategy-revenue-model-explored.event';
export * from './events/governance-restructuring-announced.event';
export * from './events/event-corrected.event';
export * from './events/event-retracted.event';
export * from './events/entity-merged.event';
export * from './events/entity-unmerged.event';
export * from './events/entity-aliased.event';
export * from './events/event-sourced.event';
export * from './corroboration/corroboration.rules';
export * from './events/conflict-resolved.event';
export * from './conflicts/conflict.rules';
export * from './conflicts/denial.rules';
export * from './conflicts/reappointment.rules';
export { conflictsOfStream, decideResolution } from './conflicts/conflict-resolution.decider';

export * from './submission/submission.schema';
export * from './submission/story-request.schema';
export * from './submission/correction-request.schema';
export * from './submission/retraction-request.schema';
export * from './submission/entity-alias-request.schema';
export * from './submission/source-request.schema';
export * from './submission/resolution-request.schema';
export * from './submission/json-schema.util';

export * from './streams/stream-state.types';
export { evolve, evolveOwned, foldStream } from './streams/story-stream.evolve';
export {
  STREAM_STATE_SCHEMA_VERSION,
  compactStreamState,
  decodeStreamState,
  encodeStreamState,
  withNamedEvents,
  type StreamStateJson,
} from './streams/stream-state.codec';
export { decideRecord, decideCorrection, decideRetraction, decideSourcing } from './streams/story-stream.decider';
export { mergePatch } from './streams/merge-patch.util';
export { rumourConfirmed } from './streams/rumour-words.util';
export { aliasNames, decideAliasName, decideMerge, decideUnmerge, mergedInto } from './entities/entity-links.rules';

export type { Upcaster, UpcastEvent, VersionedEvent } from './upcasting/upcaster.types';
export { upcast, createUpcaster, UPCASTERS, type UpcastFn } from './upcasting/upcast.registry';
export { inferRoleCategory } from './upcasting/role-category.util';

export type { HeadlineEvent, HeadlineLang } from './headlines/headline.types';
export {
  renderHeadline,
  sourcedHeadlinePrefix,
  resolvedHeadline,
  type HeadlineOptions,
  type OtherNames,
} from './headlines/headline.renderer';
export { displayNameOf, displayNameIn, displayNamesOf } from './headlines/display-name.format';
export {
  NAMING_FACTS,
  displayNamesGivenBy,
  namedSubjectsIn,
  namesItsSubject,
  namingFactOf,
  type DisplayNames,
  type NamingFact,
} from './entities/subject-names.rules';
export { formatMoney } from './headlines/money.format';
export { periodPhrase } from './headlines/period.format';
export { FR_COLON, NBSP, NNBSP, frColon, frenchDigits, guillemets, withUnit } from './headlines/french-typography.util';
export { isStorableText, unstorableTextErrors } from './validation/storable-text.rules';

import type { FieldError } from '../validation/validation.types';

export type DomainErrorKind = 'validation' | 'rule' | 'conflict' | 'not_found';

// Stable codes: the apps' problem+json filters switch on these, so they never change once shipped.
export const DOMAIN_ERROR_CODES = {
  VALIDATION_FAILED: 'VALIDATION.FAILED',
  EVENT_TYPE_NOT_RECORDABLE: 'EVENT.TYPE_NOT_RECORDABLE',
  EVENT_NOT_FOUND: 'EVENT.NOT_FOUND',
  EVENT_RETRACTED: 'EVENT.RETRACTED',
  EVENT_NOT_CORRECTABLE: 'EVENT.NOT_CORRECTABLE',
  CORRECTION_NO_CHANGE: 'CORRECTION.NO_CHANGE',
  EVENT_UNKNOWN_TYPE: 'EVENT.UNKNOWN_TYPE',
  EVENT_UNKNOWN_SCHEMA_VERSION: 'EVENT.UNKNOWN_SCHEMA_VERSION',
  STREAM_SUBJECT_MISMATCH: 'STREAM.SUBJECT_MISMATCH',
  STREAM_VERSION_MISMATCH: 'STREAM.VERSION_MISMATCH',
  CASE_NOT_FILED: 'CASE.NOT_FILED',
  CASE_ALREADY_FILED: 'CASE.ALREADY_FILED',
  CASE_CLOSED: 'CASE.CLOSED',
  CASE_STEP_BEFORE_FILING: 'CASE.STEP_BEFORE_FILING',
  ENTITY_SELF_MERGE: 'ENTITY.SELF_MERGE',
  ENTITY_KIND_MISMATCH: 'ENTITY.KIND_MISMATCH',
  ENTITY_ALREADY_MERGED: 'ENTITY.ALREADY_MERGED',
  ENTITY_NOT_CANONICAL: 'ENTITY.NOT_CANONICAL',
  ENTITY_NOT_MERGED: 'ENTITY.NOT_MERGED',
  ENTITY_ALIAS_EXISTS: 'ENTITY.ALIAS_EXISTS',
  ENTITY_ALIAS_UNKNOWN: 'ENTITY.ALIAS_UNKNOWN',
  CONFLICT_NOT_FOUND: 'CONFLICT.NOT_FOUND',
} as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[keyof typeof DOMAIN_ERROR_CODES];

/** The one error family of the domain; apps map `kind` to an HTTP status and `code` to problem+json. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly code: DomainErrorCode;
  readonly kind: DomainErrorKind;
  readonly errors?: FieldError[];

  constructor(code: DomainErrorCode, kind: DomainErrorKind, message: string, errors?: FieldError[]) {
    super(message);
    this.code = code;
    this.kind = kind;
    if (errors) this.errors = errors;
  }

  static validation(errors: FieldError[], message = 'The request is not valid'): DomainError {
    return new DomainError(DOMAIN_ERROR_CODES.VALIDATION_FAILED, 'validation', message, errors);
  }
}

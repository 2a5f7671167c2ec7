import { DOMAIN_ERROR_CODES, DomainError } from '../errors/domain.errors';
import { CURRENT_SCHEMA_VERSION, type EventType } from '../events/event-catalog.registry';
import { executiveDepartedV0Upcaster } from './executive-departed-v0.upcaster';
import type { UpcastEvent, Upcaster, VersionedEvent } from './upcaster.types';

/** Every shipped upcasting step; add one per (type, fromVersion) when a schema version is bumped. */
export const UPCASTERS: readonly Upcaster[] = [executiveDepartedV0Upcaster];

/** Untyped in (any stored version), typed out (today's shape of its type). */
export type UpcastFn = (event: VersionedEvent) => UpcastEvent;

/** Builds an upcast function over a registry keyed by (type, fromVersion). */
export function createUpcaster(steps: readonly Upcaster[], current: Readonly<Record<string, number>>): UpcastFn {
  const registry = new Map<string, Upcaster>();
  for (const step of steps) {
    const key = `${step.type}@${step.fromVersion}`;
    if (registry.has(key)) throw new Error(`two upcasters for ${key}`);
    registry.set(key, step);
  }
  return (event) => {
    const target = Object.prototype.hasOwnProperty.call(current, event.type) ? current[event.type] : undefined;
    if (target === undefined) {
      throw new DomainError(DOMAIN_ERROR_CODES.EVENT_UNKNOWN_TYPE, 'validation', `unknown event type ${event.type}`);
    }
    if (!Number.isInteger(event.schemaVersion) || event.schemaVersion > target || event.schemaVersion < 0) {
      throw new DomainError(
        DOMAIN_ERROR_CODES.EVENT_UNKNOWN_SCHEMA_VERSION,
        'validation',
        `${event.type} has no schema version ${event.schemaVersion} (current is ${target})`,
      );
    }
    let { schemaVersion, data } = event;
    while (schemaVersion < target) {
      const step = registry.get(`${event.type}@${schemaVersion}`);
      if (!step) {
        throw new DomainError(
          DOMAIN_ERROR_CODES.EVENT_UNKNOWN_SCHEMA_VERSION,
          'validation',
          `no upcaster for ${event.type} from version ${schemaVersion}`,
        );
      }
      data = step.up(data);
      schemaVersion += 1;
    }
    // The one place stored data becomes typed: data at the current version was checked against its type's schema
    // when it was written (older data is brought there by the steps above); reads do not parse it again.
    return { type: event.type as EventType, schemaVersion, data } as UpcastEvent;
  };
}

const upcastShipped = createUpcaster(UPCASTERS, CURRENT_SCHEMA_VERSION);

/** Brings a stored event's data up to CURRENT_SCHEMA_VERSION, step by step; throws on unknown type or version. */
export function upcast(event: VersionedEvent): UpcastEvent {
  return upcastShipped(event);
}

import { CURRENT_SCHEMA_VERSION, EVENT_TYPES, RECORDABLE_EVENT_TYPES, SUBJECT_KIND_BY_TYPE } from '@newsroom/domain';

describe('event catalog', () => {
  it('given the v1 taxonomy, then every type of PRODUCT.md is listed once', () => {
    expect([...EVENT_TYPES].sort()).toEqual(
      [
        'executive.appointed',
        'executive.departed',
        'headcount.reported',
        'revenue.reported',
        'revenue.target_set',
        'financial.loss_reported',
        'funding.round_closed',
        'lawsuit.filed',
        'lawsuit.status_changed',
        'regulatory.intervention_requested',
        'product.announced',
        'strategy.revenue_model_explored',
        'governance.restructuring_announced',
        'event.corrected',
        'event.retracted',
        'entity.merged',
        'entity.unmerged',
        'entity.aliased',
        'event.sourced',
        'conflict.resolved',
      ].sort(),
    );
  });

  it('given the recordable types, then they are all but corrections, retractions, attached sources and the entity records', () => {
    expect(RECORDABLE_EVENT_TYPES).toEqual(
      EVENT_TYPES.filter(
        (t) =>
          t !== 'event.corrected' &&
          t !== 'event.retracted' &&
          t !== 'event.sourced' &&
          t !== 'conflict.resolved' &&
          !t.startsWith('entity.'),
      ),
    );
  });

  it('given today, then every type is at schema version 1', () => {
    expect(Object.keys(CURRENT_SCHEMA_VERSION).sort()).toEqual([...EVENT_TYPES].sort());
    expect(new Set(Object.values(CURRENT_SCHEMA_VERSION))).toEqual(new Set([1]));
  });

  it('given the subject table, then each type pins the kind of PRODUCT.md', () => {
    expect(SUBJECT_KIND_BY_TYPE).toEqual({
      'executive.appointed': 'person',
      'executive.departed': 'person',
      'headcount.reported': 'org',
      'revenue.reported': 'org',
      'revenue.target_set': 'org',
      'financial.loss_reported': 'org',
      'funding.round_closed': 'org',
      'lawsuit.filed': 'case',
      'lawsuit.status_changed': 'case',
      'regulatory.intervention_requested': 'org',
      'product.announced': 'product',
      'strategy.revenue_model_explored': 'org',
      'governance.restructuring_announced': 'org',
      'event.corrected': null,
      'event.retracted': null,
      'entity.merged': null,
      'entity.unmerged': null,
      'entity.aliased': null,
      'event.sourced': null,
      'conflict.resolved': null,
    });
  });

  it('given the exported constants, then they cannot be changed at run time', () => {
    expect(Object.isFrozen(EVENT_TYPES)).toBe(true);
    expect(Object.isFrozen(CURRENT_SCHEMA_VERSION)).toBe(true);
  });
});

import { DomainError, createUpcaster, inferRoleCategory, upcast } from '@newsroom/domain';

describe('upcast', () => {
  it('given a v0 departure with free text, when upcast, then it becomes v1 with an org subject, inferred category and unknown reason', () => {
    expect(
      upcast({ type: 'executive.departed', schemaVersion: 0, data: { organization: 'OpenAI', role: 'Chief Technology Officer' } }),
    ).toEqual({
      type: 'executive.departed',
      schemaVersion: 1,
      data: { organization: 'org:openai', role: 'Chief Technology Officer', roleCategory: 'c-suite', reason: 'unknown' },
    });
  });

  it('given a v0 departure already naming a subject and a known reason, when upcast, then both are kept', () => {
    const { data } = upcast({
      type: 'executive.departed',
      schemaVersion: 0,
      data: { organization: 'org:openai', role: 'Head of Preparedness', reason: 'leave' },
    });
    expect(data).toEqual({ organization: 'org:openai', role: 'Head of Preparedness', roleCategory: 'safety', reason: 'leave' });
  });

  it('given a v0 organization with accents and spaces, when upcast, then the slug is clean', () => {
    const e = upcast({ type: 'executive.departed', schemaVersion: 0, data: { organization: 'Société Générale', role: 'x' } });
    expect(e.type === 'executive.departed' && e.data.organization).toBe('org:societe-generale');
  });

  it('given a current event, when upcast, then it is returned unchanged', () => {
    const data = { status: 'dismissed' };
    expect(upcast({ type: 'lawsuit.status_changed', schemaVersion: 1, data })).toEqual({
      type: 'lawsuit.status_changed',
      schemaVersion: 1,
      data,
    });
  });

  it('given a version above current, when upcast, then it throws', () => {
    expect(() => upcast({ type: 'executive.departed', schemaVersion: 2, data: {} })).toThrow(DomainError);
    expect(() => upcast({ type: 'executive.departed', schemaVersion: 2, data: {} })).toThrow(/no schema version 2/);
  });

  it('given an unknown type, when upcast, then it throws EVENT.UNKNOWN_TYPE', () => {
    expect(() => upcast({ type: 'executive.promoted', schemaVersion: 1, data: {} })).toThrow(
      expect.objectContaining({ code: 'EVENT.UNKNOWN_TYPE' }),
    );
  });

  it('given a version with no upcaster, when upcast, then it throws', () => {
    expect(() => upcast({ type: 'revenue.reported', schemaVersion: 0, data: {} })).toThrow(
      expect.objectContaining({ code: 'EVENT.UNKNOWN_SCHEMA_VERSION' }),
    );
  });

  it('given a registry with two steps, when upcast from v0, then the steps run in order up to the current version', () => {
    const up = createUpcaster(
      [
        {
          type: 'revenue.reported',
          fromVersion: 1,
          up: (d) => ({ ...(d as { trail: string[] }), trail: [...(d as { trail: string[] }).trail, 'v2'] }),
        },
        { type: 'revenue.reported', fromVersion: 0, up: (d) => ({ ...(d as object), trail: ['v1'] }) },
      ],
      { 'revenue.reported': 2 },
    );
    expect(up({ type: 'revenue.reported', schemaVersion: 0, data: {} })).toEqual({
      type: 'revenue.reported',
      schemaVersion: 2,
      data: { trail: ['v1', 'v2'] },
    });
  });

  it('given two upcasters for the same step, when the registry is built, then it throws', () => {
    const step = { type: 'x', fromVersion: 0, up: (d: unknown) => d };
    expect(() => createUpcaster([step, step], { x: 1 })).toThrow(/two upcasters/);
  });
});

describe('inferRoleCategory', () => {
  it.each([
    ['Chief Technology Officer', 'c-suite'],
    ['CEO', 'c-suite'],
    ['CFO', 'c-suite'],
    ['Chief Research Officer', 'c-suite'],
    ['Chairman of the Board', 'board'],
    ['Director of the board', 'board'],
    ['Head of Preparedness', 'safety'],
    ['Alignment lead', 'safety'],
    ['Head of Safety Research', 'safety'],
    ['Readiness team lead', 'safety'],
    ['VP of Research', 'research'],
    ['Research Scientist', 'research'],
    ['Head of Product', 'product'],
    ['Product manager', 'product'],
    ['VP of Sales', 'commercial'],
    ['Chief Revenue Officer', 'c-suite'],
    ['Head of Commercial Partnerships', 'commercial'],
    ['Revenue operations lead', 'commercial'],
    ['Sora co-lead', 'other'],
    ['', 'other'],
  ])('given the role %j, then the category is %s', (role, category) => {
    expect(inferRoleCategory(role)).toBe(category);
  });
});

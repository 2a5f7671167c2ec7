import {
  RECORDABLE_EVENT_TYPES,
  correctionRequestJsonSchema,
  retractionRequestJsonSchema,
  storyRequestJsonSchema,
  submissionJsonSchema,
} from '@newsroom/domain';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the exported JSON Schema is walked at any depth, and its shape is what the test asserts
type Schema = Record<string, any>;
const branchesOf = (schema: Schema): Schema[] => schema.oneOf ?? schema.anyOf ?? [];
const typeOf = (branch: Schema) => branch.properties.type.const ?? branch.properties.type.enum?.[0];

describe('JSON Schema export', () => {
  it.each(['openapi-3.0', 'draft-2020-12', 'draft-7'] as const)(
    'given target %s, when the envelope is converted, then there is one branch per recordable type',
    (target) => {
      const schema = submissionJsonSchema({ target });
      expect(branchesOf(schema).map(typeOf).sort()).toEqual([...RECORDABLE_EVENT_TYPES].sort());
    },
  );

  it('given the default target, when converted, then each branch is strict and pins its subject kind and data', () => {
    const branches = branchesOf(submissionJsonSchema());
    const departed = branches.find((b) => typeOf(b) === 'executive.departed')!;
    expect(departed.additionalProperties).toBe(false);
    expect(departed.required).toEqual(expect.arrayContaining(['type', 'subject', 'occurredAt', 'data', 'sources']));
    expect(departed.required).not.toContain('modality');
    expect(departed.properties.subject.pattern).toBe('^person:[a-z0-9-]{1,80}$');
    expect(departed.properties.data.properties.roleCategory.enum).toContain('c-suite');
    expect(departed.properties.data.additionalProperties).toBe(false);
  });

  it('given money, when converted, then the amount is a string with the decimal pattern and the currency an enum', () => {
    const revenue = branchesOf(submissionJsonSchema()).find((b) => typeOf(b) === 'revenue.reported')!;
    const money = revenue.properties.data.properties.money;
    expect(money.properties.amount).toMatchObject({ type: 'string', pattern: expect.stringContaining('\\d{1,30}') });
    expect(money.properties.currency.enum).toEqual(expect.arrayContaining(['USD', 'EUR']));
  });

  it('given headcount, when converted, then "total or byFunction" is spelled as anyOf', () => {
    const headcount = branchesOf(submissionJsonSchema()).find((b) => typeOf(b) === 'headcount.reported')!;
    expect(headcount.properties.data.anyOf).toEqual([{ required: ['total'] }, { required: ['byFunction'] }]);
  });

  it('given the other request bodies, when converted, then they are objects without unknown keys', () => {
    for (const schema of [storyRequestJsonSchema(), correctionRequestJsonSchema(), retractionRequestJsonSchema()]) {
      expect(schema).toMatchObject({ type: 'object', additionalProperties: false });
    }
    expect((correctionRequestJsonSchema() as Schema).properties.changes.minProperties).toBe(1);
    const storyEvents: Schema[] = branchesOf((storyRequestJsonSchema() as Schema).properties.events.items);
    expect(storyEvents).toHaveLength(RECORDABLE_EVENT_TYPES.length);
    // The story is the events' source, so a story event may leave sources out.
    expect(storyEvents.every((b) => !b.required.includes('sources'))).toBe(true);
  });

  it('given the converted schema, then it is plain JSON', () => {
    const schema = submissionJsonSchema();
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});

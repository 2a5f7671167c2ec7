import { z } from 'zod';
import { entityParams, entitySchema } from '../entities/entities.schema';
import { feedQueryParams } from '../feed/feed-query.reader';
import { feedPageSchema, feedStreamParams } from '../feed/feed.schema';
import { sourceDetailParams, sourceDetailSchema, sourcesListParams, sourcesListSchema } from '../sources/sources.schema';
import { departuresParams, departuresReportSchema } from '../reports/departures/departures.schema';
import { financialsParams, financialsReportSchema } from '../reports/financials/financials.schema';
import { lawsuitsParams, lawsuitsReportSchema } from '../reports/lawsuits/lawsuits.schema';
import { leadershipParams, leadershipReportSchema } from '../reports/leadership/leadership.schema';
import { timelineParams, timelineReportSchema } from '../reports/timeline/timeline.schema';
import { openApiSchema } from '@newsroom/platform';
import { problemSchema } from './zod-openapi.decorator';

/** Keywords of JSON Schema that OpenAPI 3.0's Schema Object does not have. */
const NOT_OPENAPI_30 = [
  '$schema',
  '$defs',
  'const',
  'examples',
  'prefixItems',
  'unevaluatedProperties',
  'propertyNames',
  'contentEncoding',
];

function keywordsOf(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => keywordsOf(n, found));
  else if (node && typeof node === 'object')
    for (const [key, value] of Object.entries(node)) {
      found.add(key);
      if (key === 'properties') Object.values(value as object).forEach((v) => keywordsOf(v, found));
      else if (key !== 'enum' && key !== 'example') keywordsOf(value, found);
    }
  return found;
}

const responses: Record<string, z.ZodType> = {
  leadershipReportSchema,
  departuresReportSchema,
  financialsReportSchema,
  lawsuitsReportSchema,
  timelineReportSchema,
  entitySchema,
  sourcesListSchema,
  sourceDetailSchema,
  feedPageSchema,
  problemSchema,
};
const params: Record<string, z.ZodObject<Record<string, z.ZodType>>> = {
  leadershipParams,
  departuresParams,
  financialsParams,
  lawsuitsParams,
  timelineParams,
  entityParams,
  sourcesListParams,
  sourceDetailParams,
  feedQueryParams,
  feedStreamParams,
};

describe('OpenAPI 3.0 from the zod schemas', () => {
  it.each(Object.entries(responses))('given the response schema %s, then its OpenAPI form uses only OpenAPI 3.0 keywords', (_, schema) => {
    const json = openApiSchema(schema, 'output');
    expect([...keywordsOf(json)].filter((k) => NOT_OPENAPI_30.includes(k))).toEqual([]);
    expect(JSON.stringify(json)).not.toMatch(/"type":\s*\[/);
  });

  it.each(Object.entries(params))('given the parameter schema %s, then each parameter converts to an OpenAPI 3.0 schema', (_, schema) => {
    for (const field of Object.values(schema.shape)) {
      const json = openApiSchema(field, 'input');
      expect([...keywordsOf(json)].filter((k) => NOT_OPENAPI_30.includes(k))).toEqual([]);
    }
  });

  it('given a nullable enum, then null is one of its values (OpenAPI 3.0.3, and what validators check)', () => {
    expect(openApiSchema(z.object({ s: z.enum(['a', 'b']).nullable() }), 'output')).toMatchObject({
      properties: { s: { nullable: true, enum: ['a', 'b', null] } },
    });
  });

  it('given a response with a field the schema does not name, then the OpenAPI form refuses it (additionalProperties: false)', () => {
    expect(openApiSchema(z.object({ a: z.string() }), 'output')).toMatchObject({ additionalProperties: false, required: ['a'] });
  });
});

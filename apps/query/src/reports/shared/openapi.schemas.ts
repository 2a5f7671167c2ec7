import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiQuery } from '@nestjs/swagger';
import { MODALITIES } from '@newsroom/domain';

/** Small builders for the OpenAPI 3.0 schemas of the reports (nullable is 3.0's spelling of "or null"). */
type Schema = Record<string, unknown>;
export const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
export const nstr = (extra: Schema = {}): Schema => ({ type: 'string', nullable: true, ...extra });
export const int = (extra: Schema = {}): Schema => ({ type: 'integer', ...extra });
export const bool = (): Schema => ({ type: 'boolean' });
export const arr = (items: Schema): Schema => ({ type: 'array', items });
export const obj = (properties: Record<string, Schema>, extra: Schema = {}): Schema => ({
  type: 'object', required: Object.keys(properties), properties, ...extra,
});
export const anyJson = (): Schema => ({ description: 'Any JSON value (the fact\'s data as recorded)' });

export const sourceSchema = obj({
  id: str({ description: 'Stable hash of outlet, url and title' }), outlet: str(), url: nstr(), title: nstr(), language: nstr(),
  publishedAt: nstr(), quote: nstr(),
});

export const factVersionSchema = obj({
  version: int(), occurredAt: nstr(), data: anyJson(), recordedFrom: str({ format: 'date-time' }),
  recordedTo: nstr({ format: 'date-time' }), supersededBy: nstr({ enum: ['corrected', 'retracted'] }), changeReason: nstr(), endReason: nstr(),
});

/** What every fact in a report carries. */
export const factSchemaFields: Record<string, Schema> = {
  factId: str({ format: 'uuid' }),
  occurredAt: nstr({ description: 'As recorded, with its precision (2024, 2024-Q3, 2024-09-25, a range...)' }),
  validFrom: nstr({ format: 'date-time' }),
  validTo: nstr({ format: 'date-time' }),
  modality: str({ enum: [...MODALITIES] }),
  status: str({ enum: ['current', 'corrected'] }),
  recordedAt: str({ format: 'date-time', description: 'When this version was recorded' }),
  sources: arr(sourceSchema),
  history: arr(factVersionSchema),
};

export const problemSchema = obj(
  { type: str(), title: str(), status: int(), code: str(), detail: str(), instance: str(), errors: arr(obj({ path: str(), message: str() })) },
  { required: ['type', 'title', 'status', 'code'] },
);

/** 200 as JSON (with its schema) or CSV, 400 as problem+json. */
export function ApiReport(description: string, schema: Schema) {
  return applyDecorators(
    ApiOkResponse({
      description: `${description} Also as CSV with ?format=csv or Accept: text/csv (RFC 4180, header row).`,
      content: { 'application/json': { schema }, 'text/csv': { schema: { type: 'string' } } },
    }),
    ApiBadRequestResponse({ description: 'A parameter is not valid; `errors` names each one.', content: { 'application/problem+json': { schema: problemSchema } } }),
  );
}

/** The parameters every report shares. */
export function ApiTimeTravel(options: { asOf?: boolean; paged?: boolean } = {}) {
  const decorators = [
    ApiQuery({ name: 'knownAt', required: false, description: 'Transaction time: the state as recorded at that instant (a date, period start or RFC 3339 date-time)' }),
    ApiQuery({ name: 'modality', required: false, description: `Comma-separated: ${MODALITIES.join(', ')}` }),
    ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] }),
  ];
  if (options.asOf !== false) decorators.push(ApiQuery({ name: 'asOf', required: false, description: 'Valid time: only what had occurred by that date' }));
  if (options.paged) {
    decorators.push(ApiQuery({ name: 'limit', required: false, description: '1..1000, default 100' }));
    decorators.push(ApiQuery({ name: 'cursor', required: false, description: 'The `next` of the previous page' }));
  }
  return applyDecorators(...decorators);
}

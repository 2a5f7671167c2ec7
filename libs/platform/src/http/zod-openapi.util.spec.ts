import { toOpenApi30 } from './zod-openapi.util';

describe('toOpenApi30', () => {
  it('given a JSON Schema examples array, then it becomes the single example OpenAPI 3.0 allows', () => {
    expect(toOpenApi30({ type: 'string', examples: ['a', 'b'] })).toEqual({ type: 'string', example: 'a' });
    expect(toOpenApi30({ type: 'string', example: 'x', examples: ['a'] })).toEqual({ type: 'string', example: 'x' });
  });

  it('given an OpenAPI examples map (media type, parameter), then it stays', () => {
    const media = { schema: { type: 'string' }, examples: { one: { value: 'a' } } };
    expect(toOpenApi30(media)).toEqual(media);
  });

  it('given a nullable enum, then null is one of its values; enum, example and default values are kept as they are', () => {
    expect(toOpenApi30({ nullable: true, enum: ['a'] })).toEqual({ nullable: true, enum: ['a', null] });
    const data = { enum: [{ examples: [1] }], example: { examples: [2] }, default: { examples: [3] } };
    expect(toOpenApi30(data)).toEqual(data);
  });

  it('given a whole document, then nested schemas are converted', () => {
    const doc = { paths: { '/x': { post: { requestBody: { content: { 'application/json': { schema: { examples: [1] } } } } } } } };
    expect(toOpenApi30(doc)).toEqual({
      paths: { '/x': { post: { requestBody: { content: { 'application/json': { schema: { example: 1 } } } } } } },
    });
  });
});

import { keyInHeaders } from './api-key.guard';
import { problems } from '../http/problem.errors';

describe('the key a request presents', () => {
  it('given the Bearer scheme in any letter case, then the key is read (RFC 9110: scheme names are case-insensitive)', () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR'])
      expect(keyInHeaders({ authorization: `${scheme} s3cret ` })).toBe('s3cret');
    expect(keyInHeaders({ 'x-api-key': 's3cret' })).toBe('s3cret');
  });

  it('given the same key in both headers, then it is the key; two different keys, then no key matches them', () => {
    expect(keyInHeaders({ authorization: 'Bearer s3cret', 'x-api-key': 's3cret' })).toBe('s3cret');
    const both = keyInHeaders({ authorization: 'Bearer s3cret', 'x-api-key': 'other-key' });
    expect(both).toBeDefined();
    expect(both).not.toBe('s3cret');
    expect(both).not.toBe('other-key');
    expect(keyInHeaders({ authorization: 'Basic dXNlcjpwYXNz', 'x-api-key': 's3cret' })).toBe('s3cret');
  });

  it('given no key, an empty one or another scheme, then none was presented', () => {
    expect(keyInHeaders({})).toBeUndefined();
    expect(keyInHeaders({ authorization: 'Bearer ' })).toBeUndefined();
    expect(keyInHeaders({ authorization: 'Basic dXNlcjpwYXNz' })).toBeUndefined();
    expect(keyInHeaders({ authorization: 'Bearers s3cret' })).toBeUndefined();
    expect(keyInHeaders({ 'x-api-key': '  ' })).toBeUndefined();
  });

  it('given a key that was sent but is unknown, then the 401 says so instead of asking for a key', () => {
    expect(problems.unauthorized()).toMatchObject({ status: 401, code: 'AUTH.KEY_REQUIRED', headers: { 'WWW-Authenticate': 'Bearer' } });
    expect(problems.unauthorized(true)).toMatchObject({
      status: 401,
      code: 'AUTH.KEY_INVALID',
      headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
    });
  });
});

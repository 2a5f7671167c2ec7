import type { Response } from 'express';
import { sendCursor } from './report.response';

function fakeResponse(headers: Record<string, string> = {}) {
  return {
    headers,
    res: {
      setHeader: (k: string, v: string) => void (headers[k] = v),
      getHeader: (k: string) => headers[k],
    } as unknown as Response,
  };
}

describe('sendCursor', () => {
  it('puts the cursor in the header and in the tag: another cursor or another body is another tag', () => {
    const a = fakeResponse();
    sendCursor(a.res, 'id\r\n1\r\n', 'cursor-1');
    expect(a.headers['X-Next-Cursor']).toBe('cursor-1');
    expect(a.headers.ETag).toMatch(/^W\/"next-[\w-]+"$/);
    const b = fakeResponse();
    sendCursor(b.res, 'id\r\n1\r\n', 'cursor-2');
    const c = fakeResponse();
    sendCursor(c.res, 'id\r\n2\r\n', 'cursor-1');
    expect(new Set([a.headers.ETag, b.headers.ETag, c.headers.ETag]).size).toBe(3);
  });

  it("keeps a tag already set (a partial answer's, which nothing matches)", () => {
    const partial = fakeResponse({ ETag: 'W/"partial-x"' });
    sendCursor(partial.res, 'id\r\n1\r\n', 'cursor-1');
    expect(partial.headers.ETag).toBe('W/"partial-x"');
    expect(partial.headers['X-Next-Cursor']).toBe('cursor-1');
  });
});

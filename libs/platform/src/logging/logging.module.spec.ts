import { redactUrl } from './logging.module';

describe('redactUrl (what the request logger writes)', () => {
  it.each([
    ['/v1/feed/stream?key=s3cret', '/v1/feed/stream?key=[Redacted]'],
    ['/v1/feed/stream/?KEY=s3cret&after=5', '/v1/feed/stream/?KEY=[Redacted]&after=5'],
    ['/V1/Feed/Stream?types=a&Key=s3cret#x', '/V1/Feed/Stream?types=a&Key=[Redacted]#x'],
    ['/v1/reports/timeline?k%65y=s3cret', '/v1/reports/timeline?k%65y=[Redacted]'],
    ['/v1/feed?api_key=s3cret&token=t&access_token=a', '/v1/feed?api_key=[Redacted]&token=[Redacted]&access_token=[Redacted]'],
    ['/v1/feed?monkey=1&keys=2', '/v1/feed?monkey=1&keys=2'],
    ['/v1/feed', '/v1/feed'],
  ])('given %s, then %s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });
});

import { applyDecorators, CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Observable, tap } from 'rxjs';
import { TEXT_LANGS, type TextLang } from '@newsroom/domain';
import { ACCEPT_LANGUAGE_MAX_LENGTH, withNegotiatedLang } from './accept-language.util';

const isLang = (v: unknown): v is TextLang => (TEXT_LANGS as readonly unknown[]).includes(v);

/** An entity tag of the answer in `lang`: the same bytes in two languages (an empty page) are two tags. */
const taggedWithLang = (etag: string, lang: TextLang) => etag.replace(/"$/, `-${lang}"`);

/**
 * The language of an endpoint that takes `lang`, in one place: without `lang`, the one Accept-Language prefers
 * (languageOf; English when it names neither), put in the query the handler validates, and `Vary: Accept-Language`
 * on the answer, as the header chose its content. A successful answer says its language (Content-Language) and its
 * ETag names it, so a 304 is never the answer to a revalidation of the other language's copy.
 */
@Injectable()
class ContentLanguageInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const { query, negotiated } = withNegotiatedLang(req.query, req.headers['accept-language']);
    if (negotiated) {
      // Express 5 parses req.query on each read: this value is the one the handler's @Query() reads.
      Object.defineProperty(req, 'query', { value: query, configurable: true, enumerable: true, writable: true });
      res.vary('Accept-Language');
    }
    const lang = query.lang;
    if (!isLang(lang)) return next.handle(); // a `lang` the parameters refuse: their 400
    const send = res.send;
    res.send = function (this: Response, body?: unknown) {
      res.send = send;
      if (this.getHeader('Content-Language') === lang && this.statusCode < 300) {
        // A tag set already (a cursor's, a partial answer's) gets the language; else Express's own, with it.
        const set = this.getHeader('ETag');
        const etagOf = this.app.get('etag fn') as ((body: string | Buffer, encoding: string) => string | undefined) | undefined;
        const etag =
          typeof set === 'string' ? set : (typeof body === 'string' || Buffer.isBuffer(body)) && etagOf ? etagOf(body, 'utf8') : undefined;
        if (etag) this.setHeader('ETag', taggedWithLang(etag, lang));
      }
      return send.call(this, body);
    };
    return next.handle().pipe(
      tap(() => {
        if (!res.headersSent) res.setHeader('Content-Language', lang);
      }),
    );
  }
}

/** Request and answer headers of a localised read, added to the 200 (and 304) the operation's other decorators declared. */
function documentLanguageHeaders(): MethodDecorator {
  return (_target, _key, descriptor) => {
    const responses = Reflect.getMetadata('swagger/apiResponse', descriptor.value as object) as
      Record<string, { headers?: object }> | undefined;
    if (!responses?.['200']) throw new Error('@Localised() goes above the decorators that declare the 200 answer');
    for (const status of ['200', '304']) {
      const response = responses[status];
      if (response)
        response.headers = {
          ...response.headers,
          'Content-Language': {
            description: 'The language of the answer (`lang`, or the one Accept-Language chose)',
            schema: { type: 'string', enum: [...TEXT_LANGS] },
          },
        };
    }
    return descriptor;
  };
}

/**
 * An endpoint whose answer is in `lang`: Accept-Language chooses it when `lang` is absent (ContentLanguageInterceptor).
 * Put it above the decorators that declare the answers (it adds Content-Language to the 200's headers).
 */
export const Localised = () =>
  applyDecorators(
    documentLanguageHeaders(),
    UseInterceptors(ContentLanguageInterceptor),
    ApiHeader({
      name: 'Accept-Language',
      required: false,
      description:
        `Used when \`lang\` is not given (an explicit \`lang\` always wins): the language of ${TEXT_LANGS.join(', ')} it prefers ` +
        '(RFC 9110: q-values, `fr-CA` is fr, `*`, q=0 excludes); none of them, a malformed header or one over ' +
        `${ACCEPT_LANGUAGE_MAX_LENGTH} characters: en. Such answers carry Vary: Accept-Language.`,
      schema: { type: 'string', example: 'fr-FR,fr;q=0.9,en;q=0.8' },
    }),
  );

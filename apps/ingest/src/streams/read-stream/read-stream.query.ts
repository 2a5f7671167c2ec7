import { Query } from '@nestjs/cqrs';
import { StreamPage } from './stream-page.mapper';

/** A page of one subject's stream, in stream order; null when the stream does not exist. */
export class ReadStreamQuery extends Query<StreamPage | null> {
  constructor(
    readonly subject: string,
    readonly fromVersion: number,
    readonly limit: number,
  ) {
    super();
  }
}

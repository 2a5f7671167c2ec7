import { ConflictsProjection } from './conflicts/conflicts.adapter';
import { DeparturesProjection } from './departures/departures.adapter';
import { EntitiesProjection } from './entities/entities.adapter';
import { EntityLinksProjection } from './entities/entity-links.adapter';
import { FeedItemsProjection } from './feed/feed-items.adapter';
import { FinancialsProjection } from './financials/financials.adapter';
import { LawsuitsProjection } from './lawsuits/lawsuits.adapter';
import { LeadershipProjection } from './leadership/leadership.adapter';
import { ProductsProjection } from './products/products.adapter';
import type { Projection } from './projection.types';
import { RegulatoryProjection } from './regulatory/regulatory.adapter';
import { SourcesProjection } from './sources/sources.adapter';
import { TimelineProjection } from './timeline/timeline.adapter';

/** Every projection the projector runs, by name; `tableSuffix` builds one over shadow tables for a rebuild. */
export const PROJECTION_FACTORIES: Readonly<Record<string, (tableSuffix?: string) => Projection>> = {
  feed: (s) => new FeedItemsProjection(s),
  leadership: (s) => new LeadershipProjection(s),
  departures: (s) => new DeparturesProjection(s),
  lawsuits: (s) => new LawsuitsProjection(s),
  financials: (s) => new FinancialsProjection(s),
  products: (s) => new ProductsProjection(s),
  regulatory: (s) => new RegulatoryProjection(s),
  timeline: (s) => new TimelineProjection(s),
  sources: (s) => new SourcesProjection(s),
  entities: (s) => new EntitiesProjection(s),
  'entity-links': (s) => new EntityLinksProjection(s),
  conflicts: (s) => new ConflictsProjection(s),
};

export const PROJECTION_NAMES: readonly string[] = Object.keys(PROJECTION_FACTORIES);

export function createProjections(names: readonly string[] = PROJECTION_NAMES, tableSuffix = ''): Projection[] {
  return names.map((name) => {
    const factory = PROJECTION_FACTORIES[name];
    if (!factory) throw new Error(`unknown projection "${name}" (known: ${PROJECTION_NAMES.join(', ')})`);
    return factory(tableSuffix);
  });
}

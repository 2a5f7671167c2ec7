// The shapes the dashboard reads (the query service's OpenAPI at /docs has the full schemas).

export interface Source {
  id?: string;
  outlet: string;
  url?: string | null;
  title?: string | null;
  language?: string | null;
  publishedAt?: string | null;
  quote?: string | null;
  /** An outlet attached to a fact later (`event.sourced`) says whether it confirms or denies it. */
  stance?: 'confirms' | 'denies';
}

/** A field its sources do not state, with why it is there. */
export interface InferredField {
  path: string;
  note: string;
}

export interface FactVersion {
  version: number;
  occurredAt: string | null;
  data: unknown;
  recordedFrom: string;
  recordedTo: string | null;
  supersededBy: 'corrected' | 'retracted' | null;
  changeReason: string | null;
  endReason: string | null;
  inferred?: InferredField[];
}

/** What every fact a report lists carries on record: its sources, its history, how it is corroborated. */
interface OnRecord {
  recordedAt: string;
  sources: Source[];
  history: FactVersion[];
  corroboration?: Corroboration;
  inferred?: InferredField[];
}

/** What every report fact carries, enough to open its sources and history. */
export interface Fact extends OnRecord {
  title: string;
  factId?: string;
  eventId?: string;
  occurredAt: string | null;
  modality: string;
  status: string;
  /** A retracted timeline row's retraction: when it was recorded and its reason (the dialog says it, as the row does). */
  retraction?: { recordedAt: string; reason: string | null };
}

export interface FeedItem {
  position: string;
  eventId: string;
  type: string;
  subject: string;
  occurredAt: string | null;
  recordedAt: string;
  headline: string;
  /** The language of headline and free text, and the fields shown in the other one (see FallbackMark). */
  lang?: 'en' | 'fr';
  fallbacks?: string[];
  data: any;
  sources: Source[];
  modality: string;
  status: 'current' | 'corrected' | 'retracted';
  targetEventId?: string;
  targetStatus?: 'corrected' | 'retracted';
  /** Distinct outlets on the fact; an event.sourced item carries its target's, updated. */
  corroboration?: Corroboration;
  inferred?: InferredField[];
  /** Open conflicts of the fact (of the target, on an amendment, source or resolution item). */
  conflictsWith?: string[];
  /** The conflicts this item's event opened or closed: the rows of both facts are updated. */
  conflictUpdates?: ConflictUpdate[];
}

interface ConflictUpdate {
  conflictId: string;
  change: 'opened' | 'closed';
  closedBy: string | null;
  eventIds: string[];
}

export interface ConflictSide {
  eventId: string;
  type: string;
  occurredAt: string | null;
  headline: string | null;
  value: {
    metric?: string;
    basis?: string;
    period?: string | null;
    amount?: string | null;
    currency?: string | null;
    count?: number | null;
    occurredAt?: string | null;
    destination?: string | null;
    status?: string | null;
  };
  sources: Source[];
  /** The side's outlets at knownAt: its own sources and the stories attached to it since (`sources` lists its own). */
  corroboration?: Corroboration;
}

export interface Conflict {
  conflictId: string;
  kind: string;
  subject: string;
  subjectName: string;
  /** What both facts speak of: financial|<org>|<metric>|<basis>|<period>, departure|<person>|<org>|<role>, lawsuit|<case>|<group>. */
  key: string;
  fields: string[];
  status: 'open' | 'resolved';
  openedAt: string;
  closedAt: string | null;
  resolution: { by: string; eventId: string; standingEventId: string | null; reason: string | null } | null;
  sides: ConflictSide[];
}

export interface Corroboration {
  outlets: number;
  confirms: number;
  denies: number;
  firstReportedAt: string | null;
  latestReportedAt: string | null;
}

export interface TenureEnd extends OnRecord {
  eventId: string;
  occurredAt: string;
  from: string;
  to: string;
  modality: string;
  status: string;
  /** A start's: the report its modality comes from when another than its own (a rumour's confirmation). */
  modalityFrom?: TenureEnd | null;
}

export interface Tenure {
  person: string;
  personName: string;
  role: string;
  roleCategory: string;
  interim: boolean;
  start: TenureEnd | null;
  end: TenureEnd | null;
  reason: string | null;
  destination: string | null;
  certain?: boolean;
  fallbacks?: string[];
}

export interface FinancialPoint extends OnRecord {
  metric: string;
  basis: string;
  period: string;
  periodStart: string;
  periodEnd: string;
  amount: string | null;
  currency: string | null;
  count: number | null;
  factId: string;
  occurredAt: string;
  modality: string;
  status: string;
  /** The open conflicts the figure is a side of (another figure of its metric, basis and period). */
  conflictsWith?: string[];
}

export interface DepartureGroup {
  key: string;
  from: string;
  to: string;
  count: number;
  items: Array<
    OnRecord & {
      personName: string;
      role: string;
      factId: string;
      occurredAt: string;
      modality: string;
      status: string;
    }
  >;
}

export interface CaseStep extends OnRecord {
  eventId: string;
  status: string;
  detail: string | null;
  /** `detail` when it is in the other language. */
  fallbacks?: string[];
  occurredAt: string;
  modality: string;
  factStatus: string;
}

export interface LawsuitCase {
  case: string;
  caseName: string;
  title: string;
  plaintiffs: string[];
  defendants: string[];
  court: string | null;
  claims: string[];
  fallbacks?: string[];
  status: string;
  /** The latest step after the status reported only as a rumour (it does not count until confirmed); null when none. */
  rumoredStatus?: string | null;
  filed: CaseStep | null;
  history: CaseStep[];
}

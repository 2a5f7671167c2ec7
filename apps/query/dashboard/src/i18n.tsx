// The dashboard's own words in English and French: one catalogue, the language picker chooses. The story's text
// (headlines, roles, reasons, claims) comes from the API in `lang`; everything else the page says comes from here.
//
// French typography, as the API's French text (libs/domain french-typography.util, the Imprimerie nationale's rule): a
// no-break space (U+00A0, NBSP below) before « : » and inside « guillemets », a narrow one (U+202F, NNBSP) before
// « ; ! ? »; the typographic apostrophe (’).

import { elided } from './french';

export type Lang = 'en' | 'fr';

/** A message shown with a count: `one` for the singular, `other` for the plural (French: 0 and 1 take `one`). */
interface Plural {
  readonly one: string;
  readonly other: string;
}

const NNBSP = '\u202f';
const NBSP = '\u00a0';

const en = {
  'app.title': 'Newsroom dashboard',
  'app.language': 'Language / Langue',
  'app.footerBefore': 'Data from this service’s API (',
  'app.footerAfter': '). Every figure opens its sources.',
  'app.skip': 'Skip to time travel',
  'app.partial':
    'Partial: the history of {names} is still being folded in (a backfill); the reports drawing on it lack older events until it is done.',
  'key.summary': 'Read key',
  'key.set': ' (set)',
  'key.label': 'Key',
  'key.hint': '(only when the service requires read keys; kept for this tab only)',
  'key.use': 'Use key',
  'error.hint': ' Enter a read key under "Read key".',
  'error.text': '{status}: {detail}.{hint}',
  'error.network': 'The service could not be reached; trying again.',
  // Generic pieces
  colon: '{label}: {text}',
  'sources.button': 'Sources',
  'sources.count': 'Sources ({count})',
  'sources.for': ' for {what}',
  'csv.link': 'CSV',
  'csv.for': ' of {what}',
  'csv.title': 'Download as CSV (UTF-8 with the byte-order mark Excel needs for accents)',
  'csv.failed': 'The CSV could not be downloaded ({status}).',
  'sources.standing': 'Sources of the fact that stands ({count})',
  unknown: 'unknown',
  'date.unknown': '?',
  // Time travel
  'travel.title': 'Time travel',
  'travel.organization': 'Organization',
  'travel.asOf': 'As of (what was true then)',
  'travel.knownAt': 'What we knew at',
  'travel.now': 'now (everything recorded)',
  'travel.step': { one: '{instant} ({step} of {count} recording)', other: '{instant} ({step} of {count} recordings)' },
  'travel.back': 'Back to now',
  'travel.added': 'Recorded then: {what}',
  'travel.addedMore': { one: '{headline} and {count} more', other: '{headline} and {count} more' },
  'travel.organizationInvalid':
    'Must be an org subject like {example} (a bare slug such as {slug} is read so). Still showing {organization}.',
  'travel.recordingsLoading': {
    one: 'Still reading the feed’s history: {count} recording so far, more to come.',
    other: 'Still reading the feed’s history: {count} recordings so far, more to come.',
  },
  'travel.recordingsFailed': 'Could not read the rest of the feed’s history ({error}); tried again with the next update.',
  // Live timeline
  'timeline.title': 'Live timeline',
  'timeline.type': 'Type',
  'timeline.allTypes': 'All types',
  'timeline.subject': 'Subject',
  'timeline.organization': 'Organization',
  'timeline.empty': 'Nothing matches these filters yet.',
  'timeline.waiting': 'Waiting for the feed…',
  'timeline.refused': 'The feed refused these filters; change them to try again. The API’s reason (in English): {reason}',
  'timeline.items': 'Timeline items, newest first',
  'timeline.new': 'New: {headline}',
  'timeline.newMany': { one: '{count} new item; the latest: {headline}', other: '{count} new items; the latest: {headline}' },
  'timeline.conflict': 'conflict',
  'timeline.conflictTitle': 'In contradiction with another fact ({count})',
  'connection.connecting': 'Connecting…',
  'connection.live': 'Live',
  'connection.delayed': 'Live — items delayed',
  'connection.reconnecting': 'Reconnecting…',
  'connection.offline': 'Offline',
  'connection.refused': 'Filters refused',
  'amend.corrected': 'Corrected',
  'amend.retracted': 'Retracted',
  'amend.reason': ': {reason}',
  'amend.changes': ' (changed: {fields})',
  'amend.notInSources': 'not in the sources = {paths}',
  'amend.nothing': 'nothing',
  'value.yes': 'yes',
  'value.no': 'no',
  // How well a fact is backed
  'outlets.badge': { one: '{count} outlet', other: '{count} outlets' },
  'outlets.distinct': { one: '{count} distinct outlet', other: '{count} distinct outlets' },
  // Each word agrees with its count, as the Atom feed and `newsroom tail` say them: "1 confirms", "2 confirm".
  'outlets.confirm': { one: '{count} confirms', other: '{count} confirm' },
  'outlets.deny': { one: '{count} denies', other: '{count} deny' },
  'outlets.title': '{distinct}: {confirms}, {denies}',
  'truth.firstReported': 'first reported {date}',
  'truth.latest': 'latest {date}',
  'truth.notStated': 'Not stated by the sources',
  'truth.notStatedTitle': 'Not stated by the sources — {note}',
  'truth.notStatedSr': ' (not stated by the sources: {note})',
  'truth.notInSources': 'Not in the sources:',
  // Fact dialog
  'dialog.close': 'Close',
  'dialog.occurred': 'occurred',
  'dialog.recorded': 'recorded {instant}',
  'dialog.sources': 'Sources',
  'dialog.noSource': 'No source on this item.',
  'dialog.article': 'Article',
  'dialog.storyButton': 'Everything this story backs',
  'dialog.storyLabel': 'Facts backed by {outlet}',
  'dialog.storyFacts': { one: '{title}: {count} fact', other: '{title}: {count} facts' },
  'dialog.history': 'Earlier versions',
  'dialog.version': 'v{version}, recorded {instant}',
  'dialog.until': ' until {instant}',
  'dialog.retracted': 'Retracted {instant}',
  'dialog.endReason': ': “{reason}”',
  'dialog.versionNotInSources': ' · not in the sources: {paths}',
  'dialog.versionOccurred': ' · occurred {date}',
  'stance.confirms': 'confirms',
  'stance.denies': 'denies',
  // Leadership roster
  'roster.title': 'Leadership roster',
  'roster.asOf': 'As of {date}',
  'roster.today': 'Today',
  'roster.knownAt': 'as known at {instant}',
  'roster.everything': 'with everything recorded so far',
  'roster.caption': 'Who holds which role',
  'roster.person': 'Person',
  'roster.role': 'Role',
  'roster.since': 'Since',
  'roster.nobody': 'Nobody on record for this date.',
  'roster.interim': ' (interim)',
  'roster.uncertain': 'uncertain',
  'roster.uncertainTitle': 'The date is imprecise, the start is unknown, or it rests on a rumour',
  'roster.confirmedBy': 'by {outlets}',
  'roster.tenures': 'Tenures on record',
  'roster.noTenure': 'No tenure on record.',
  'tenure.title': '{person}, {role}: {what}',
  'tenure.appointed': 'appointed',
  'tenure.left': 'left',
  'tenure.confirmed': 'confirmed',
  'tenure.from': 'from {date}',
  'tenure.startUnknown': 'start unknown',
  'tenure.leftOn': ', left {date}',
  'tenure.inOffice': ', in office',
  'tenure.rumouredOn': ', rumoured to leave {date}',
  'roster.rumouredEnd': 'rumoured to leave {date}',
  'roster.rumouredEndTitle': 'A departure is reported as a rumour only: no denial and no firm report yet',
  'tenure.open': '{label}. Open sources.',
  'legend.unknownStart': 'start not on record',
  'legend.fuzzyEnd': 'end known only to a period',
  'legend.asOf': 'the date picked',
  // Figures
  'charts.title': 'Figures',
  'charts.revenue': 'Revenue and revenue targets',
  'charts.losses': 'Losses by basis',
  'charts.headcount': 'Headcount',
  'charts.noFigure': 'No figure on record.',
  'charts.departures': 'Departures by quarter',
  'charts.noDeparture': 'No dated departure on record.',
  'charts.unplaced': {
    one: '{count} more dated only to a longer span (not placed in a quarter).',
    other: '{count} more dated only to a longer span (not placed in a quarter).',
  },
  'charts.pointTitle': '{figure}, {period}: {value}',
  'charts.disputed': '{point} (disputed: another figure of the same period is on record)',
  // A figure's metric and basis (see figureName in format.tsx: a basis the metric's words say already is left out).
  'figure.withBasis': '{metric} ({basis})',
  'metric.revenue': 'revenue',
  'metric.revenue_target': 'revenue target',
  'metric.loss': 'loss',
  'metric.headcount': 'headcount',
  'metric.funding': 'funding round',
  'metric.valuation': 'valuation',
  'basis.actual': 'actual',
  'basis.annualized': 'annualized',
  'basis.projected': 'projected',
  'basis.cumulative_projected': 'cumulative projected',
  'basis.target': 'target',
  'basis.round': 'round',
  'basis.post_money': 'post-money',
  'basis.total': 'total',
  // Lawsuits
  'lawsuits.title': 'Lawsuits',
  'lawsuits.party': '(cases {organization} is a party to)',
  'lawsuits.none': 'No case on record.',
  'lawsuits.versus': 'v.',
  'lawsuits.history': 'Status history',
  'lawsuits.rumoured': 'rumoured: {status}',
  'lawsuits.rumouredTitle': 'A later step is reported as a rumour only: it is not the status until a story confirms it',
  'lawsuit.filed': 'filed',
  'lawsuit.amended': 'amended',
  'lawsuit.motion_filed': 'motion filed',
  'lawsuit.injunction_sought': 'injunction sought',
  'lawsuit.injunction_denied': 'injunction denied',
  'lawsuit.injunction_granted': 'injunction granted',
  'lawsuit.dismissed': 'dismissed',
  'lawsuit.withdrawn': 'withdrawn',
  'lawsuit.settled': 'settled',
  'lawsuit.ruled': 'ruled',
  'lawsuit.appealed': 'appealed',
  // Conflicts
  'conflicts.title': 'Conflicts (every subject)',
  'conflicts.none': 'No contradiction on record.',
  'conflicts.stands': 'stands',
  'conflicts.resolvedBy': 'Resolved by {by}',
  'conflicts.figure': '{figure}, {period}',
  'conflicts.departure': 'departure from {organization} as',
  'conflicts.lawsuit.outcome': 'the case’s outcome',
  'conflicts.lawsuit.injunction': 'the injunction',
  'conflicts.fields': 'disputed: {fields}',
  'conflicts.outlets': { one: 'outlet', other: 'outlets' },
  'conflicts.noOutlet': 'no outlet',
  'conflictStatus.open': 'open',
  'conflictStatus.resolved': 'resolved',
  'closedBy.editor': 'editor',
  'closedBy.correction': 'correction',
  'closedBy.retraction': 'retraction',
  'kind.financial': 'financial',
  'kind.departure': 'departure',
  'kind.lawsuit': 'lawsuit',
  'field.amount': 'amount',
  'field.count': 'count',
  'field.occurredAt': 'date',
  'field.destination': 'destination',
  'field.status': 'status',
  // A denial against a reported departure: the two sides disagree on whether it happened (conflict fields: ["modality"]).
  'field.modality': 'whether it happened',
  'field.role': 'role',
  'field.roleCategory': 'role category',
  'field.interim': 'interim',
  'field.organization': 'organization',
  'field.reason': 'reason',
  'field.money': 'amount',
  'field.valuation': 'valuation',
  'field.period': 'period',
  'field.targetPeriod': 'target period',
  'field.basis': 'basis',
  'field.total': 'headcount',
  'field.byFunction': 'by function',
  'field.detail': 'detail',
  'field.title': 'title',
  'field.headline': 'headline',
  'field.court': 'court',
  'field.claims': 'claims',
  'field.plaintiffs': 'plaintiffs',
  'field.defendants': 'defendants',
  'field.features': 'features',
  'field.name': 'name',
  'field.models': 'models',
  'field.from': 'from',
  'field.to': 'to',
  'field.investors': 'investors',
  'field.leadInvestor': 'lead investor',
  'field.setBy': 'set by',
  'field.authority': 'authority',
  'field.by': 'requested by',
  'field.request': 'request',
  // A field's text in one language ("data.role.en": "role (English)").
  'field.inLanguage': '{field} ({language})',
  'language.en': 'English',
  'language.fr': 'French',
  // Codes the API sends
  'status.current': 'current',
  'status.corrected': 'corrected',
  'status.retracted': 'retracted',
  'modality.reported': 'reported',
  'modality.confirmed': 'confirmed',
  'modality.denied': 'denied',
  'modality.rumored': 'rumored',
  'fallback.title': 'No English text: shown {shownIn} ({fields})',
  'fallback.in': 'in French',
  'type.executive.appointed': 'executive appointed',
  'type.executive.departed': 'executive departed',
  'type.headcount.reported': 'headcount reported',
  'type.revenue.reported': 'revenue reported',
  'type.revenue.target_set': 'revenue target set',
  'type.financial.loss_reported': 'financial loss reported',
  'type.funding.round_closed': 'funding round closed',
  'type.lawsuit.filed': 'lawsuit filed',
  'type.lawsuit.status_changed': 'lawsuit status changed',
  'type.regulatory.intervention_requested': 'regulatory intervention requested',
  'type.product.announced': 'product announced',
  'type.strategy.revenue_model_explored': 'strategy revenue model explored',
  'type.governance.restructuring_announced': 'governance restructuring announced',
  'type.event.corrected': 'event corrected',
  'type.event.retracted': 'event retracted',
  'type.event.sourced': 'event sourced',
  'type.conflict.resolved': 'conflict resolved',
  'type.entity.aliased': 'entity aliased',
  'type.entity.merged': 'entity merged',
  'type.entity.unmerged': 'entity unmerged',
} as const satisfies Record<string, string | Plural>;

type Key = keyof typeof en;
/** Every language has every key, a plural where English has one: a key missing or extra is a type error. */
type Catalogue = { readonly [K in Key]: (typeof en)[K] extends Plural ? Plural : string };

const fr: Catalogue = {
  'app.title': 'Tableau de bord de la rédaction',
  'app.language': 'Language / Langue',
  'app.footerBefore': 'Données de l’API de ce service (',
  'app.footerAfter': '). Chaque chiffre ouvre ses sources.',
  'app.skip': 'Aller au voyage dans le temps',
  'app.partial': `Partiel${NBSP}: l’historique de {names} est encore en cours d’intégration (un rattrapage)${NNBSP}; les rapports qui s’en servent n’ont pas les événements plus anciens tant qu’il n’est pas terminé.`,
  'key.summary': 'Clé de lecture',
  'key.set': ' (définie)',
  'key.label': 'Clé',
  'key.hint': `(seulement si le service exige des clés de lecture${NNBSP}; gardée pour cet onglet uniquement)`,
  'key.use': 'Utiliser la clé',
  'error.hint': ` Saisissez une clé de lecture sous «${NBSP}Clé de lecture${NBSP}».`,
  'error.text': `{status}${NBSP}: {detail}.{hint}`,
  'error.network': `Le service est injoignable${NNBSP}; nouvel essai en cours.`,
  colon: `{label}${NBSP}: {text}`,
  'sources.button': 'Sources',
  'sources.count': 'Sources ({count})',
  'sources.for': ' pour {what}',
  'csv.link': 'CSV',
  'csv.for': `${NBSP}: {what}`,
  'csv.title': 'Télécharger en CSV (UTF-8 avec la marque d’ordre des octets dont Excel a besoin pour les accents)',
  'csv.failed': 'Le CSV n’a pas pu être téléchargé ({status}).',
  'sources.standing': 'Sources du fait retenu ({count})',
  unknown: 'inconnue',
  'date.unknown': '?',
  'travel.title': 'Voyage dans le temps',
  'travel.organization': 'Organisation',
  'travel.asOf': 'À la date du (ce qui était vrai alors)',
  'travel.knownAt': 'Ce que nous savions au',
  'travel.now': 'maintenant (tout ce qui est enregistré)',
  'travel.step': { one: '{instant} (enregistrement {step} sur {count})', other: '{instant} (enregistrement {step} sur {count})' },
  'travel.back': 'Revenir à maintenant',
  'travel.added': `Enregistré alors${NBSP}: {what}`,
  'travel.addedMore': { one: '{headline} et {count} autre', other: '{headline} et {count} autres' },
  'travel.organizationInvalid': `Doit être un sujet d’organisation comme {example} (un identifiant seul comme {slug} se lit ainsi). Toujours affiché${NBSP}: {organization}.`,
  'travel.recordingsLoading': {
    one: `Lecture de l’historique du fil en cours${NBSP}: {count} enregistrement pour l’instant, d’autres suivent.`,
    other: `Lecture de l’historique du fil en cours${NBSP}: {count} enregistrements pour l’instant, d’autres suivent.`,
  },
  'travel.recordingsFailed': `Impossible de lire la suite de l’historique du fil ({error})${NNBSP}; nouvel essai à la prochaine mise à jour.`,
  'timeline.title': 'Fil en direct',
  'timeline.type': 'Type',
  'timeline.allTypes': 'Tous les types',
  'timeline.subject': 'Sujet',
  'timeline.organization': 'Organisation',
  'timeline.empty': 'Rien ne correspond encore à ces filtres.',
  'timeline.waiting': 'En attente du fil…',
  'timeline.refused': `Le fil a refusé ces filtres${NNBSP}; modifiez-les pour réessayer. Raison donnée par l’API (en anglais)${NBSP}: {reason}`,
  'timeline.items': 'Éléments du fil, les plus récents d’abord',
  'timeline.new': `Nouveau${NBSP}: {headline}`,
  'timeline.newMany': {
    one: `{count} nouvel élément${NNBSP}; le dernier${NBSP}: {headline}`,
    other: `{count} nouveaux éléments${NNBSP}; le dernier${NBSP}: {headline}`,
  },
  'timeline.conflict': 'contradiction',
  'timeline.conflictTitle': 'En contradiction avec un autre fait ({count})',
  'connection.connecting': 'Connexion…',
  'connection.live': 'En direct',
  'connection.delayed': 'En direct — éléments retardés',
  'connection.reconnecting': 'Reconnexion…',
  'connection.offline': 'Hors ligne',
  'connection.refused': 'Filtres refusés',
  'amend.corrected': 'Corrigé',
  'amend.retracted': 'Retiré',
  'amend.reason': `${NBSP}: {reason}`,
  'amend.changes': ` (modifié${NBSP}: {fields})`,
  'amend.notInSources': 'absent des sources = {paths}',
  'amend.nothing': 'rien',
  'value.yes': 'oui',
  'value.no': 'non',
  'outlets.badge': { one: '{count} média', other: '{count} médias' },
  'outlets.distinct': { one: '{count} média distinct', other: '{count} médias distincts' },
  'outlets.confirm': { one: '{count} confirme', other: '{count} confirment' },
  'outlets.deny': { one: '{count} dément', other: '{count} démentent' },
  'outlets.title': `{distinct}${NBSP}: {confirms}, {denies}`,
  'truth.firstReported': `premier article${NBSP}: {date}`,
  'truth.latest': `dernier${NBSP}: {date}`,
  'truth.notStated': 'Non indiqué par les sources',
  'truth.notStatedTitle': 'Non indiqué par les sources — {note}',
  'truth.notStatedSr': ` (non indiqué par les sources${NBSP}: {note})`,
  'truth.notInSources': `Absent des sources${NBSP}:`,
  'dialog.close': 'Fermer',
  'dialog.occurred': `date des faits${NBSP}:`,
  'dialog.recorded': 'enregistré le {instant}',
  'dialog.sources': 'Sources',
  'dialog.noSource': 'Aucune source pour cet élément.',
  'dialog.article': 'Article',
  'dialog.storyButton': 'Tout ce qu’étaye cet article',
  'dialog.storyLabel': 'Faits étayés par {outlet}',
  'dialog.storyFacts': { one: `{title}${NBSP}: {count} fait`, other: `{title}${NBSP}: {count} faits` },
  'dialog.history': 'Versions antérieures',
  'dialog.version': 'v{version}, enregistrée le {instant}',
  'dialog.until': ' jusqu’au {instant}',
  'dialog.retracted': 'Retiré le {instant}',
  'dialog.endReason': `${NBSP}: «${NBSP}{reason}${NBSP}»`,
  'dialog.versionNotInSources': ` · absent des sources${NBSP}: {paths}`,
  'dialog.versionOccurred': ` · date des faits${NBSP}: {date}`,
  'stance.confirms': 'confirme',
  'stance.denies': 'dément',
  'roster.title': 'Équipe dirigeante',
  'roster.asOf': 'Au {date}',
  'roster.today': 'Aujourd’hui',
  'roster.knownAt': 'tel que connu le {instant}',
  'roster.everything': 'avec tout ce qui a été enregistré jusqu’ici',
  'roster.caption': 'Qui occupe quel poste',
  'roster.person': 'Personne',
  'roster.role': 'Poste',
  'roster.since': 'Depuis',
  'roster.nobody': 'Aucun dirigeant enregistré à cette date.',
  'roster.interim': ' (par intérim)',
  'roster.uncertain': 'incertain',
  'roster.uncertainTitle': 'La date est imprécise, le début inconnu, ou il ne repose que sur une rumeur',
  'roster.confirmedBy': 'par {outlets}',
  'roster.tenures': 'Mandats enregistrés',
  'roster.noTenure': 'Aucun mandat enregistré.',
  'tenure.title': `{person}, {role}${NBSP}: {what}`,
  'tenure.appointed': 'nomination',
  'tenure.left': 'départ',
  'tenure.confirmed': 'confirmation',
  'tenure.from': `début${NBSP}: {date}`,
  'tenure.startUnknown': 'début inconnu',
  'tenure.leftOn': `, départ${NBSP}: {date}`,
  'tenure.inOffice': ', en fonction',
  'tenure.rumouredOn': `, départ évoqué (rumeur)${NBSP}: {date}`,
  'roster.rumouredEnd': `départ évoqué${NBSP}: {date} (rumeur)`,
  'roster.rumouredEndTitle': `Un départ n’est rapporté que comme rumeur${NBSP}: ni démenti ni confirmation pour l’instant`,
  'tenure.open': '{label}. Ouvrir les sources.',
  'legend.unknownStart': 'début non enregistré',
  'legend.fuzzyEnd': 'fin connue seulement à une période près',
  'legend.asOf': 'la date choisie',
  'charts.title': 'Chiffres',
  'charts.revenue': 'Chiffre d’affaires et objectifs',
  'charts.losses': 'Pertes selon la base de calcul',
  'charts.headcount': 'Effectifs',
  'charts.noFigure': 'Aucun chiffre enregistré.',
  'charts.departures': 'Départs par trimestre',
  'charts.noDeparture': 'Aucun départ daté enregistré.',
  'charts.unplaced': {
    one: '{count} autre, daté seulement sur une période plus longue (non placé dans un trimestre).',
    other: '{count} autres, datés seulement sur une période plus longue (non placés dans un trimestre).',
  },
  'charts.pointTitle': `{figure}, {period}${NBSP}: {value}`,
  'charts.disputed': `{point} (contesté${NBSP}: un autre chiffre de la même période est enregistré)`,
  'figure.withBasis': '{metric} ({basis})',
  'metric.revenue': 'chiffre d’affaires',
  'metric.revenue_target': 'objectif de chiffre d’affaires',
  'metric.loss': 'perte',
  'metric.headcount': 'effectifs',
  'metric.funding': 'levée de fonds',
  'metric.valuation': 'valorisation',
  'basis.actual': 'réel',
  'basis.annualized': 'annualisé',
  'basis.projected': 'prévisionnel',
  'basis.cumulative_projected': 'prévisionnel cumulé',
  'basis.target': 'objectif',
  'basis.round': 'tour de table',
  'basis.post_money': 'post-money',
  'basis.total': 'total',
  'lawsuits.title': 'Procédures judiciaires',
  'lawsuits.party': '(affaires où {organization} est partie)',
  'lawsuits.none': 'Aucune affaire enregistrée.',
  'lawsuits.versus': 'c.',
  'lawsuits.history': 'Historique des statuts',
  'lawsuits.rumoured': `rumeur${NBSP}: {status}`,
  'lawsuits.rumouredTitle': `Une étape ultérieure n’est rapportée que comme rumeur${NBSP}: elle ne devient le statut que si un média la confirme`,
  'lawsuit.filed': 'plainte déposée',
  'lawsuit.amended': 'plainte modifiée',
  'lawsuit.motion_filed': 'requête déposée',
  'lawsuit.injunction_sought': 'injonction demandée',
  'lawsuit.injunction_denied': 'injonction refusée',
  'lawsuit.injunction_granted': 'injonction accordée',
  'lawsuit.dismissed': 'plainte rejetée',
  'lawsuit.withdrawn': 'plainte retirée',
  'lawsuit.settled': 'accord conclu',
  'lawsuit.ruled': 'jugement rendu',
  'lawsuit.appealed': 'appel interjeté',
  'conflicts.title': 'Contradictions (tous les sujets)',
  'conflicts.none': 'Aucune contradiction enregistrée.',
  'conflicts.stands': 'retenu',
  'conflicts.resolvedBy': 'Résolue par {by}',
  'conflicts.figure': '{figure}, {period}',
  'conflicts.departure': `départ de {organization}, poste${NBSP}:`,
  'conflicts.lawsuit.outcome': 'l’issue de l’affaire',
  'conflicts.lawsuit.injunction': 'l’injonction',
  'conflicts.fields': `en désaccord${NBSP}: {fields}`,
  'conflicts.outlets': { one: 'média', other: 'médias' },
  'conflicts.noOutlet': 'aucun média',
  'conflictStatus.open': 'ouverte',
  'conflictStatus.resolved': 'résolue',
  'closedBy.editor': 'un éditeur',
  'closedBy.correction': 'une correction',
  'closedBy.retraction': 'un retrait',
  'kind.financial': 'chiffres',
  'kind.departure': 'départ',
  'kind.lawsuit': 'procédure',
  'field.amount': 'montant',
  'field.count': 'nombre',
  'field.occurredAt': 'date',
  'field.destination': 'destination',
  'field.status': 'statut',
  'field.modality': 'réalité du fait',
  'field.role': 'rôle',
  'field.roleCategory': 'catégorie de poste',
  'field.interim': 'intérim',
  'field.organization': 'organisation',
  'field.reason': 'motif',
  'field.money': 'montant',
  'field.valuation': 'valorisation',
  'field.period': 'période',
  'field.targetPeriod': 'période visée',
  'field.basis': 'base de calcul',
  'field.total': 'effectif',
  'field.byFunction': 'par fonction',
  'field.detail': 'détail',
  'field.title': 'titre',
  'field.headline': 'titre',
  'field.court': 'tribunal',
  'field.claims': 'griefs',
  'field.plaintiffs': 'demandeurs',
  'field.defendants': 'défendeurs',
  'field.features': 'fonctionnalités',
  'field.name': 'nom',
  'field.models': 'modèles',
  'field.from': 'de',
  'field.to': 'vers',
  'field.investors': 'investisseurs',
  'field.leadInvestor': 'investisseur principal',
  'field.setBy': 'fixé par',
  'field.authority': 'autorité',
  'field.by': 'demandé par',
  'field.request': 'demande',
  'field.inLanguage': '{field} ({language})',
  'language.en': 'anglais',
  'language.fr': 'français',
  'status.current': 'en vigueur',
  'status.corrected': 'corrigé',
  'status.retracted': 'retiré',
  'modality.reported': 'rapporté',
  'modality.confirmed': 'confirmé',
  'modality.denied': 'démenti',
  'modality.rumored': 'rumeur',
  'fallback.title': `Pas de texte en français${NBSP}: affiché {shownIn} ({fields})`,
  'fallback.in': 'en anglais',
  'type.executive.appointed': 'nomination de dirigeant',
  'type.executive.departed': 'départ de dirigeant',
  'type.headcount.reported': 'effectifs annoncés',
  'type.revenue.reported': 'chiffre d’affaires annoncé',
  'type.revenue.target_set': 'objectif de chiffre d’affaires',
  'type.financial.loss_reported': 'perte annoncée',
  'type.funding.round_closed': 'levée de fonds bouclée',
  'type.lawsuit.filed': 'plainte déposée',
  'type.lawsuit.status_changed': 'évolution d’une procédure',
  'type.regulatory.intervention_requested': 'saisine d’un régulateur',
  'type.product.announced': 'produit annoncé',
  'type.strategy.revenue_model_explored': 'modèle économique envisagé',
  'type.governance.restructuring_announced': 'restructuration annoncée',
  'type.event.corrected': 'correction',
  'type.event.retracted': 'retrait',
  'type.event.sourced': 'source ajoutée',
  'type.conflict.resolved': 'contradiction résolue',
  'type.entity.aliased': 'alias d’entité',
  'type.entity.merged': 'entités fusionnées',
  'type.entity.unmerged': 'fusion d’entités annulée',
};

/** @public Read by its unit test (apps/query/src/dashboard/dashboard-i18n.spec.ts, through esbuild, not an import). */
export const CATALOGUES: Readonly<Record<Lang, Catalogue>> = { en, fr };

type PluralKey = { [K in Key]: (typeof en)[K] extends Plural ? K : never }[Key];
type TextKey = Exclude<Key, PluralKey>;
/** The `{name}`s of a message (English's, which every language uses too: see the catalogue's unit test). */
type Names<S> = S extends `${string}{${infer N}}${infer Rest}` ? N | Names<Rest> : never;
type Values<N extends string> = [N] extends [never] ? [] : [values: Record<N, string | number>];
type TextOf<E> = E extends Plural ? E['one'] | E['other'] : E;

/** The locale of numbers and dates: the English side keeps the US formats it always had ("1,600", "$440 bn"). */
export const locale = (lang: Lang): string => (lang === 'fr' ? 'fr-FR' : 'en-US');

const numberFormats: Partial<Record<Lang, Intl.NumberFormat>> = {};

/** A number in the language's digits ("1,600" / "1 600"); one formatter a language, made once (a row renders often). */
export function numberText(lang: Lang, n: number): string {
  return (numberFormats[lang] ??= new Intl.NumberFormat(locale(lang))).format(n);
}

/** A French "de", "le", "la" or "que" right before a `{name}`: elided by the value that takes its place. */
const ELIDABLE = /(?<![\p{L}\p{N}])(de|le|la|que|De|Le|La|Que) \{(\w+)\}/gu;

/**
 * `text` with its `{name}`s replaced by `values`; in French a "de {organization}" reads "d’OpenAI" when the value
 * asks for it (README "Elision"), whatever the message.
 */
function fill(lang: Lang, text: string, values: Record<string, string | number> = {}): string {
  const elidedText =
    lang === 'fr'
      ? text.replace(ELIDABLE, (whole, word: string, name: string) => (name in values ? elided(word, String(values[name])) : whole))
      : text;
  return elidedText.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** The message `key` in `lang`, its `{name}`s replaced by `values`. */
export function t<K extends TextKey>(lang: Lang, key: K, ...values: Values<Names<(typeof en)[K]>>): string {
  return fill(lang, CATALOGUES[lang][key] as string, values[0]);
}

const pluralRules: Partial<Record<Lang, Intl.PluralRules>> = {};

/**
 * Which form a count takes: English's singular is 1 alone; French's is 0 and 1 (and what lies between: 1,5).
 * @public Read by its unit test too (through esbuild).
 */
export function pluralForm(lang: Lang, count: number): keyof Plural {
  const rules = (pluralRules[lang] ??= new Intl.PluralRules(locale(lang)));
  return rules.select(count) === 'one' ? 'one' : 'other';
}

/** The message `key` for `count` (as `{count}`, written in the language's digits) in `lang`, with `values`. */
export function tn<K extends PluralKey>(
  lang: Lang,
  key: K,
  count: number,
  ...values: Values<Exclude<Names<TextOf<(typeof en)[K]>>, 'count'>>
): string {
  const forms = CATALOGUES[lang][key] as Plural;
  return fill(lang, forms[pluralForm(lang, count)], { ...values[0], count: numberText(lang, count) });
}

/** `label: text`, with the space French puts before the colon. */
export const colon = (lang: Lang, label: string, text: string) => t(lang, 'colon', { label, text });

const isKey = (key: string): key is Key => Object.prototype.hasOwnProperty.call(en, key);

/**
 * A code the API sends (a status, a modality, an event type, a lawsuit status...) in words: the catalogue's
 * `group.code`, else the code made readable ("motion_filed" -> "motion filed") for one the catalogue does not know yet.
 */
export function codeText(lang: Lang, group: string, code: string): string {
  const key = `${group}.${code}`;
  if (isKey(key)) {
    const entry = CATALOGUES[lang][key];
    if (typeof entry === 'string') return entry;
  }
  return code.replace(/[._]/g, ' ');
}

/**
 * A field the API names by its path ("occurredAt", "data.role.en", "data.money.amount", "claims[1]"), in the page's
 * words: "date", "rôle (anglais)", "montant › montant", "griefs"; a field below another after it, a language's text
 * with the language's name. Never the path itself on the page.
 */
export function fieldText(lang: Lang, path: string): string {
  const steps = path
    .replace(/^data\./, '')
    .replace(/\[\d+\]/g, '')
    .split('.')
    .filter(Boolean);
  const language = steps.length > 1 && /^(en|fr)$/.test(steps[steps.length - 1]) ? steps.pop()! : null;
  const field = steps.map((s) => codeText(lang, 'field', s)).join(' › ');
  return language ? t(lang, 'field.inLanguage', { field, language: codeText(lang, 'language', language) }) : field;
}

/**
 * The fields a `fallbacks` list names ("data.role", "claims[1]", "title", "headline"), in the page's words: "rôle",
 * "griefs", "titre"; each named once (two claims are one field), in the list's order.
 */
export function fieldsText(lang: Lang, paths: readonly string[]): string {
  return [...new Set(paths.map((p) => fieldText(lang, p)))].join(', ');
}

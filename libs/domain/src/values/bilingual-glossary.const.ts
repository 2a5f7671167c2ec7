/**
 * Roles, authorities, product features and revenue models that recur in the story, in English and French. Used
 * only when an event gives a value in one language and not the other (see `textIn`): a value the event gives in
 * the requested language always wins.
 *
 * Gender in French roles. English titles are the same for everyone; many French ones are not (directeur /
 * directrice). The glossary never guesses a person's gender (not from a first name, not from another event): a
 * gendered role translated into French reads as both forms ("directeur ou directrice technique"), while a French
 * form that is the same for both (responsable produit) is used as it is. French to English always works, from
 * either form. An editor who knows gives the French text in the event (`{"fr": "directrice technique"}`).
 */
export interface GlossaryEntry {
  kind: 'role' | 'authority' | 'feature' | 'revenue-model';
  /** The English term shown when translating into English. */
  en: string;
  /** The French term shown when translating into French: the epicene form, or both forms for a gendered role. */
  fr: string;
  /** Other English spellings that match (abbreviations). */
  enAlso?: readonly string[];
  /** Other French spellings that match: the masculine and feminine forms of a gendered role. */
  frAlso?: readonly string[];
  /** An authority after "demande" in French, with its article: "à la FTC", "au procureur général de Californie". */
  frTo?: string;
  /**
   * An authority after "asks" in English, with its article, as a newspaper writes it: "the FTC", "the California
   * attorney general". An authority without it is named bare.
   */
  enTo?: string;
}

export const BILINGUAL_GLOSSARY: readonly GlossaryEntry[] = [
  // Roles. The article's own words: "la directrice technique", "le responsable produit", "le directeur des ventes",
  // "le responsable de la préparation à l'AGI".
  {
    kind: 'role',
    en: 'Chief Technology Officer',
    fr: 'directeur ou directrice technique',
    enAlso: ['CTO'],
    frAlso: ['directeur technique', 'directrice technique'],
  },
  { kind: 'role', en: 'Chief Product Officer', fr: 'responsable produit', enAlso: ['CPO'] },
  {
    kind: 'role',
    en: 'Chief Executive Officer',
    fr: 'directeur général ou directrice générale',
    enAlso: ['CEO'],
    frAlso: ['directeur général', 'directrice générale', 'PDG'],
  },
  {
    kind: 'role',
    en: 'Chief Financial Officer',
    fr: 'directeur financier ou directrice financière',
    enAlso: ['CFO'],
    frAlso: ['directeur financier', 'directrice financière'],
  },
  {
    kind: 'role',
    en: 'Chief Operating Officer',
    fr: 'directeur ou directrice des opérations',
    enAlso: ['COO'],
    frAlso: ['directeur des opérations', 'directrice des opérations'],
  },
  {
    kind: 'role',
    en: 'Chief Research Officer',
    fr: 'directeur ou directrice de la recherche',
    frAlso: ['directeur de la recherche', 'directrice de la recherche'],
  },
  {
    kind: 'role',
    en: 'Chief Commercial Officer',
    fr: 'directeur commercial ou directrice commerciale',
    enAlso: ['CCO'],
    frAlso: ['directeur commercial', 'directrice commerciale'],
  },
  {
    kind: 'role',
    en: 'Head of Sales',
    fr: 'directeur ou directrice des ventes',
    frAlso: ['directeur des ventes', 'directrice des ventes'],
  },
  { kind: 'role', en: 'Head of AGI Readiness', fr: "responsable de la préparation à l'AGI" },
  { kind: 'role', en: 'Chief Scientist', fr: 'scientifique en chef' },
  // Authorities.
  {
    kind: 'authority',
    en: 'FTC',
    fr: 'FTC',
    frTo: 'à la FTC',
    enTo: 'the FTC',
    enAlso: ['Federal Trade Commission'],
    frAlso: ['Commission fédérale du commerce'],
  },
  {
    kind: 'authority',
    en: 'CNIL',
    fr: 'CNIL',
    frTo: 'à la CNIL',
    enTo: 'the CNIL',
    frAlso: ["Commission nationale de l'informatique et des libertés"],
  },
  {
    kind: 'authority',
    en: 'European Commission',
    fr: 'Commission européenne',
    frTo: 'à la Commission européenne',
    enTo: 'the European Commission',
    enAlso: ['EU Commission'],
  },
  {
    kind: 'authority',
    en: 'California Attorney General',
    fr: 'procureur général de Californie',
    frTo: 'au procureur général de Californie',
    enTo: 'the California attorney general',
    enAlso: ['Attorney General of California'],
  },
  { kind: 'authority', en: 'SEC', fr: 'SEC', frTo: 'à la SEC', enTo: 'the SEC', enAlso: ['Securities and Exchange Commission'] },
  {
    kind: 'authority',
    en: 'DOJ',
    fr: 'ministère américain de la Justice',
    frTo: 'au ministère américain de la Justice',
    enTo: 'the DOJ',
    enAlso: ['US Department of Justice', 'Department of Justice'],
  },
  { kind: 'authority', en: 'CMA', fr: 'CMA', frTo: 'à la CMA', enTo: 'the CMA', enAlso: ['Competition and Markets Authority'] },
  // ChatGPT's features and the revenue models, in the article's words.
  { kind: 'feature', en: 'real-time search', fr: 'recherche en temps réel' },
  { kind: 'feature', en: 'advanced voice', fr: 'voix avancée' },
  { kind: 'feature', en: 'maps integration', fr: 'intégration de cartes' },
  { kind: 'revenue-model', en: 'product innovation', fr: 'innovation produit' },
  { kind: 'revenue-model', en: 'advertising', fr: 'publicité' },
  { kind: 'revenue-model', en: 'enterprise', fr: 'services aux entreprises' },
  { kind: 'revenue-model', en: 'API', fr: 'interfaces API', enAlso: ['api'] },
  { kind: 'revenue-model', en: 'subscriptions', fr: 'abonnements' },
];

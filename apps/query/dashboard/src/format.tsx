// Display helpers: money stays a decimal string until it is drawn (never summed as floats).

const SCALES: Array<[number, string]> = [
  [1e12, 'tn'],
  [1e9, 'bn'],
  [1e6, 'm'],
];

/** "30000000000" USD -> "$30 bn" (approximate, for display; the exact amount is in the fact dialog). */
export function money(amount: string | null, currency: string | null): string {
  if (amount === null) return '–';
  const n = Number(amount);
  const sign = currency === 'USD' ? '$' : '';
  const unit = currency && currency !== 'USD' ? ` ${currency}` : '';
  for (const [size, suffix] of SCALES) if (Math.abs(n) >= size) return `${sign}${trim(n / size)} ${suffix}${unit}`;
  return `${sign}${n.toLocaleString('en')}${unit}`;
}

const trim = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

export const exactMoney = (amount: string, currency: string) => `${BigInt(amount).toLocaleString('en')} ${currency}`;

/** 2026-11-29T09:26:20.392Z -> "2026-11-29 09:26:20 UTC". */
export const instant = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');

export const typeLabel = (type: string) => type.replace(/[._]/g, ' ');

export const pretty = (slug: string) =>
  slug
    .replace(/^[a-z]+:/, '')
    .replace(/-/g, ' ')
    .replace(/\b\w/g, (c) => c.toUpperCase());

export const EVENT_TYPES = [
  'executive.appointed',
  'executive.departed',
  'headcount.reported',
  'revenue.reported',
  'revenue.target_set',
  'financial.loss_reported',
  'funding.round_closed',
  'lawsuit.filed',
  'lawsuit.status_changed',
  'regulatory.intervention_requested',
  'product.announced',
  'strategy.revenue_model_explored',
  'governance.restructuring_announced',
];

import type { Provider } from './types';

const CATEGORY_LABELS: Record<string, string> = {
  crm: 'CRM',
  custom: 'Custom API',
  ecommerce: 'E-commerce',
};

/** "crm" → "CRM", "communication" → "Communication". */
export function categoryLabel(category: string): string {
  return CATEGORY_LABELS[category] ?? category.charAt(0).toUpperCase() + category.slice(1);
}

export const AUTH_TYPE_LABELS: Record<Provider['authType'], string> = {
  oauth2: 'OAuth 2.0',
  api_key: 'API key',
  basic: 'Username & password',
};

/** Categories present in the catalog with how many providers each has, alphabetical by label. */
export function categoriesOf(providers: Provider[]): { key: string; label: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const p of providers) counts.set(p.category, (counts.get(p.category) ?? 0) + 1);
  return [...counts]
    .map(([key, count]) => ({ key, label: categoryLabel(key), count }))
    .sort((a, b) => a.label.localeCompare(b.label, 'en'));
}

/** Providers whose name, key or category contains `q` (case-insensitive), in `category` when one is given. */
export function filterProviders(providers: Provider[], { q, category }: { q: string; category: string }): Provider[] {
  const needle = q.trim().toLowerCase();
  return providers.filter(
    (p) =>
      (!category || p.category === category) &&
      (!needle || [p.name, p.key, categoryLabel(p.category)].some((s) => s.toLowerCase().includes(needle))),
  );
}

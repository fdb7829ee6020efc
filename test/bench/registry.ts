import type { Benchmark } from './types.js';

/**
 * Every benchmark, in the order `npm run bench` runs them. Modules load lazily, so running one
 * benchmark does not import (or start) another's dependencies. Add a line per new benchmark
 * (sync throughput, scheduler, export, UI render…): `name: () => import('./<name>/index.js')`.
 */
export const benchmarks: Record<string, () => Promise<{ default: Benchmark }>> = {
  api: () => import('./api/index.js'),
  sync: () => import('./sync/index.js'),
  scheduler: () => import('./scheduler/index.js'),
  'export-csv': () => import('./export/csv.js'),
  'export-pdf': () => import('./export/pdf.js'),
  ui: () => import('./ui/index.js'),
  delivery: () => import('./delivery/index.js'),
  'webhooks-in': () => import('./webhooks-in/index.js'),
  push: () => import('./push/index.js'),
  memory: () => import('./memory/index.js'),
  soak: () => import('./soak/index.js'),
};

/**
 * `npm run bench -- delivery`: data flowing out of Linkyard (API.md, "Records change feed", "Webhooks out").
 * Each section is its own module returning its part of the report; they run in this order and share one
 * section of BENCHMARKS.md. Add a section with a line in SECTIONS. BENCH_DELIVERY_ONLY=webhooks (names, comma-separated)
 * runs some sections only: a diagnostic run, printed and not written to BENCHMARKS.md (the section holds them all).
 */
import { loadavg } from 'node:os';
import type { Benchmark, BenchContext } from '../types.js';
import { describeMachine, machineMarkdown } from '../lib/machine.js';
import { requirePostgres } from '../lib/postgres.js';

export interface DeliverySectionResult {
  /** Markdown of the section, starting with its own `###` heading. */
  markdown: string;
  passed: boolean;
  /** A diagnostic run (profiling): the report is left alone. */
  skipReport?: boolean;
}
export type DeliverySection = (ctx: BenchContext) => Promise<DeliverySectionResult>;

const SECTIONS: Record<string, () => Promise<{ default: DeliverySection }>> = {
  feed: () => import('./feed.js'),
  webhooks: () => import('./webhooks.js'),
};

const bench: Benchmark = {
  name: 'delivery',
  title: 'Data delivery: change feed and webhooks',
  description:
    'Change feed read of 100,000 changes in pages of 1,000 vs a raw keyset SELECT; webhook deliveries on 2 workers vs a bare POST loop',
  async run(ctx) {
    const postgresVersion = await requirePostgres();
    const machine = describeMachine();
    ctx.log(
      `machine: ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, Postgres ${postgresVersion}; load ${loadavg()[0].toFixed(2)}`,
    );
    const parts: DeliverySectionResult[] = [];
    const only = process.env.BENCH_DELIVERY_ONLY?.split(',').map((s) => s.trim());
    const unknown = only?.filter((name) => !(name in SECTIONS));
    if (unknown?.length)
      throw new Error(`BENCH_DELIVERY_ONLY: no section ${unknown.join(', ')} (there are ${Object.keys(SECTIONS).join(', ')})`);
    for (const [name, load] of Object.entries(SECTIONS)) {
      if (only && !only.includes(name)) continue;
      ctx.log(`section ${name}`);
      parts.push(await (await load()).default(ctx));
    }
    const markdown = `
Command: \`${ctx.command}\` · ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

${machineMarkdown(machine, { Postgres: `${postgresVersion} (local, same machine)` })}

${parts.map((p) => p.markdown.trim()).join('\n\n')}
`;
    if (only) console.log(markdown);
    return { markdown, passed: parts.every((p) => p.passed), skipReport: !!only || parts.some((p) => p.skipReport) };
  },
};

export default bench;

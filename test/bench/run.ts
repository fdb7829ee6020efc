/**
 * `npm run bench` runs every benchmark; `npm run bench -- api` (or several names) runs some;
 * `npm run bench -- --list` lists them. Each benchmark writes its own section of BENCHMARKS.md.
 * Exit code: 0 when every benchmark that ran met its goals, 1 otherwise, 2 on a usage error.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchmarks } from './registry.js';
import { writeSection } from './lib/report.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);

if (args.includes('--list') || args.includes('--help') || args.includes('-h')) {
  console.log('Usage: npm run bench [-- <name> ...]\n\nBenchmarks:');
  for (const [name, load] of Object.entries(benchmarks)) console.log(`  ${name.padEnd(12)} ${(await load()).default.description}`);
  process.exit(0);
}

const unknown = args.filter((a) => !(a in benchmarks));
if (unknown.length) {
  console.error(`Unknown benchmark: ${unknown.join(', ')}. Available: ${Object.keys(benchmarks).join(', ')}`);
  process.exit(2);
}

const selected = args.length ? args : Object.keys(benchmarks);
const reportFile = path.join(root, 'BENCHMARKS.md');
let allPassed = true;
for (const name of selected) {
  const bench = (await benchmarks[name]()).default;
  // Non-default knobs are part of the command that reproduces the run.
  const knobs = Object.entries(process.env)
    .filter(([k, v]) => k.startsWith('BENCH_') && v)
    .map(([k, v]) => `${k}=${v!.replace(/(\/\/[^:/@]+):[^@/]*@/, '$1:***@')} `) // never write a password into the report
    .sort()
    .join('');
  const command = `${knobs}npm run bench -- ${name}`;
  console.log(`\n=== ${bench.title} (${command}) ===`);
  try {
    const result = await bench.run({ root, command, log: (line) => console.log(`[${name}] ${line}`) });
    const verdict = result.passed ? 'PASS' : 'FAIL';
    if (result.skipReport) {
      console.log(`\n[${name}] ${verdict} (diagnostic run; BENCHMARKS.md not changed)`);
    } else {
      writeSection(reportFile, bench.name, bench.title, result.markdown);
      console.log(`\n[${name}] ${verdict}: section "${bench.title}" written to ${path.relative(process.cwd(), reportFile) || reportFile}`);
    }
    allPassed &&= result.passed;
  } catch (err) {
    allPassed = false;
    console.error(`\n[${name}] did not complete: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.BENCH_DEBUG && err instanceof Error) console.error(err.stack);
  }
}
process.exit(allPassed ? 0 : 1);

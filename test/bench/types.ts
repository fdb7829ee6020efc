/**
 * A benchmark is a module under test/bench/<name>/ whose default export satisfies `Benchmark`.
 * The runner (test/bench/run.ts) runs it and writes the Markdown it returns into its own section of
 * BENCHMARKS.md, between markers, so reruns replace that section and leave the others alone.
 */
export interface Benchmark {
  /** What follows `npm run bench --`; also names the section markers in BENCHMARKS.md. */
  name: string;
  /** The section heading in BENCHMARKS.md (written as `## <title>`). */
  title: string;
  /** One line for `npm run bench -- --list`. */
  description: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

export interface BenchContext {
  /** Repository root (where package.json and BENCHMARKS.md live). */
  root: string;
  /** The exact command that reproduces this run, for the report. */
  command: string;
  /** Progress lines on stdout, prefixed with the benchmark's name. */
  log(line: string): void;
}

export interface BenchResult {
  /** Markdown for the section body, without the `## title` line (the runner adds it). */
  markdown: string;
  /** False when a goal of the benchmark is not met (the run still writes its section). */
  passed: boolean;
  /** True for diagnostic runs (profiling, instrumentation) whose figures must not replace the section. */
  skipReport?: boolean;
}

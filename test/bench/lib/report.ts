import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const INTRO = `# Benchmarks

Each section below is written by \`npm run bench -- <name>\` (\`npm run bench\` runs them all) and
replaced, between its markers, every time that benchmark runs; edit the benchmark, not its section.
A section records the exact command, the machine, the date, the figures, the same-run reference and
the goals with PASS/FAIL. The benchmarks live in \`test/bench/<name>/\`.
`;

const begin = (name: string) => `<!-- bench:${name}:begin (written by npm run bench -- ${name}; do not edit by hand) -->`;
const end = (name: string) => `<!-- bench:${name}:end -->`;

/** Writes (or replaces) one benchmark's section in the report, keeping every other section as it is. */
export function writeSection(file: string, name: string, title: string, body: string): void {
  const section = `${begin(name)}\n## ${title}\n\n${body.trim()}\n${end(name)}`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : INTRO;
  const start = text.indexOf(`<!-- bench:${name}:begin`);
  const stop = text.indexOf(end(name));
  if (start !== -1 && stop > start) {
    text = text.slice(0, start) + section + text.slice(stop + end(name).length);
  } else {
    text = `${text.trimEnd()}\n\n${section}\n`;
  }
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}

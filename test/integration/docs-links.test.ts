import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { runScript, scriptEnv } from '../helpers/run-script.js';

/**
 * The repository stands alone: what a reader is pointed at — by README.md, by docs/*.md, by an operator
 * script's --help — is in the repository. Relative links resolve to files that exist inside it, every
 * `*.md` named is one of its files, and nothing points outside it (the way `../shared/API.md` once did).
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DOCUMENTS = [
  'README.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const SCRIPTS = readdirSync(path.join(root, 'scripts'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3));

/** Markdown without its fenced code blocks (their text is code, not links). */
const prose = (markdown: string) => markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');

/** Every link target of a Markdown text: inline links and images, reference definitions, HTML href/src. */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const targets: string[] = [];
  for (const m of text.matchAll(/!?\[[^\]]*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g))
    targets.push(m[1].replace(/^<|>$/g, ''));
  for (const m of text.matchAll(/^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/gm)) targets.push(m[1].replace(/^<|>$/g, ''));
  for (const m of text.matchAll(/\b(?:href|src)\s*=\s*["']([^"']+)["']/g)) targets.push(m[1]);
  return targets;
}

/** Why a relative link target from `fromFile` (repository-relative) is not a file of the repository, or null when it is. */
function brokenTarget(fromFile: string, target: string, base = root): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') || target.startsWith('//')) return null; // URL or same-page anchor
  const file = decodeURI(target.replace(/[?#].*$/, ''));
  if (file === '') return null;
  if (path.isAbsolute(file)) return 'an absolute path';
  const resolved = path.resolve(base, path.dirname(fromFile), file);
  const inside = path.relative(base, resolved);
  if (inside.startsWith('..') || path.isAbsolute(inside)) return 'outside the repository';
  return existsSync(resolved) ? null : 'no such file in the repository';
}

/** `*.md` names in a text (`API.md`, `docs/api.md`, `../shared/DESIGN.md`) that are not files of the repository. */
function unknownMarkdownNames(fromFile: string, text: string): string[] {
  const names = new Set([...text.matchAll(/(?:\.{1,2}\/)?(?:[\w-]+\/)*[\w.-]+\.md\b/g)].map((m) => m[0]));
  return [...names].filter((name) => {
    const candidates = [path.resolve(root, name), path.resolve(root, path.dirname(fromFile), name)];
    return !candidates.some((c) => !path.relative(root, c).startsWith('..') && existsSync(c));
  });
}

t.test('the link checker itself', async (t) => {
  t.same(
    linkTargets(
      'See [a](docs/a.md), ![img](x.png "t"), [b](<with space.md>), [c](#anchor) and [d](https://example.com).\n[ref]: ../out.md\n<a href="y.md">y</a>\n```\n[not](a-link.md)\n```',
    ),
    ['docs/a.md', 'x.png', 'with space.md', '#anchor', 'https://example.com', '../out.md', 'y.md'],
  );
  t.equal(brokenTarget('README.md', '../shared/API.md'), 'outside the repository');
  t.equal(brokenTarget('docs/api.md', '../README.md'), null, 'up from docs/ to the root is inside');
  t.equal(brokenTarget('README.md', 'docs/missing.md'), 'no such file in the repository');
  t.equal(brokenTarget('README.md', 'docs/api.md#conventions'), null);
  t.equal(brokenTarget('README.md', 'https://example.com/x.md'), null);
  t.same(unknownMarkdownNames('README.md', 'described in API.md, see docs/api.md and ../shared/DESIGN.md'), [
    'API.md',
    '../shared/DESIGN.md',
  ]);
});

for (const doc of DOCUMENTS) {
  t.test(`${doc}: every relative link and every .md it names is a file of the repository`, async (t) => {
    const text = readFileSync(path.join(root, doc), 'utf8');
    const targets = linkTargets(text);
    const broken = targets.map((target) => ({ target, why: brokenTarget(doc, target) })).filter((b) => b.why);
    t.same(broken, [], `${targets.length} links checked`);
    t.same(unknownMarkdownNames(doc, prose(text)), [], 'no .md named that the repository lacks');
    t.notMatch(text, /\.\.\/shared\b/, 'nothing points at ../shared');
  });
}

t.test('docs/: paths to repository files in `code` exist', async (t) => {
  for (const doc of DOCUMENTS.filter((d) => d.startsWith('docs/'))) {
    const paths = [
      ...prose(readFileSync(path.join(root, doc), 'utf8')).matchAll(/`([\w.-]+(?:\/[\w.-]+)+\.(?:ts|mjs|md|json|ya?ml))`/g),
    ].map((m) => m[1]);
    t.same(
      paths.filter((p) => !existsSync(path.join(root, p))),
      [],
      `${doc}: ${paths.length} paths checked`,
    );
  }
});

t.test("every operator script's --help names only files of the repository", async (t) => {
  const env = scriptEnv({ omit: [/^DATABASE_URL$/, /^DATA_DIR$/] });
  const helps = await Promise.all(SCRIPTS.map(async (name) => ({ name, result: await runScript(name, ['--help'], { env }) })));
  t.ok(SCRIPTS.includes('seed') && SCRIPTS.length >= 6, `scripts: ${SCRIPTS.join(', ')}`);
  for (const { name, result } of helps) {
    t.equal(result.code, 0, `${name} --help exits 0`);
    t.match(result.stdout, /^Usage: /, `${name} --help prints its usage`);
    t.notMatch(result.stdout, /\.\.\//, `${name} --help names no path outside the repository`);
    t.same(unknownMarkdownNames('scripts/x', result.stdout), [], `${name} --help names no .md the repository lacks`);
  }
});

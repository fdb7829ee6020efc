import t from 'tap';
import { MAX_PATHS, observedPaths } from '../../../../server/src/modules/runs/record-paths.js';
import { parsePath } from '../../../../server/src/modules/syncs/mappings.paths.js';

t.test('leaf paths in the mapping source syntax, most common first', async (t) => {
  const paths = observedPaths([
    { id: '1', properties: { email: 'ada@example.test', 'Account Id': 7 }, lines: [{ sku: 'A' }, { sku: 'B', qty: 2 }] },
    { id: '2', properties: { email: null }, tags: [], archived: false },
  ]);
  t.same(paths, [
    { path: 'id', types: ['string'], seen: 2 },
    { path: 'properties.email', types: ['null', 'string'], seen: 2 },
    { path: 'archived', types: ['boolean'], seen: 1 },
    { path: 'lines[0].sku', types: ['string'], seen: 1 },
    { path: 'properties["Account Id"]', types: ['number'], seen: 1 },
    { path: 'tags', types: ['array'], seen: 1 },
  ]);
  // Each suggestion is a valid source path, used as it is.
  for (const p of paths) t.doesNotThrow(() => parsePath(p.path), p.path);
});

t.test('names the parser would refuse or read otherwise are quoted; reserved names are skipped', async (t) => {
  const record = JSON.parse('{"123": 1, "a.b": 2, "with space": 3, "__proto__": {"x": 1}, "ok-name_$": 4}') as unknown;
  const paths = observedPaths([record]).map((p) => p.path);
  t.same(paths.sort(), ['["123"]', '["a.b"]', '["with space"]', 'ok-name_$'].sort());
  for (const p of paths) t.doesNotThrow(() => parsePath(p), p);
});

t.test('bounded: not objects, deep nesting stops, at most MAX_PATHS paths', async (t) => {
  t.same(observedPaths([null, 'text', [1, 2], 42]), [], 'records that are not objects give nothing');
  let deep: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < 50; i++) deep = { n: deep };
  const [only] = observedPaths([deep]);
  t.equal(only?.types[0], 'object', 'a path deeper than the limit ends at an object');
  t.ok(only!.path.split('.').length <= 9);
  const wide = Object.fromEntries(Array.from({ length: MAX_PATHS + 50 }, (_, i) => [`f${i}`, i]));
  t.equal(observedPaths([wide]).length, MAX_PATHS);
});

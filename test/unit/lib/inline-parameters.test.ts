/**
 * copyAfter (db/client.ts) runs a Kysely query inside COPY, which takes no parameters: inlineParameters puts the
 * parameters' SQL literals in place of $1, $2, … and nowhere else.
 */
import t from 'tap';
import { inlineParameters } from '../../../db/client.js';

t.test('parameters become the literals given, in their places', async (t) => {
  t.equal(
    inlineParameters('select $1, $2 from t where a = $10', ['1', "'b'", ...Array(7).fill('x'), "'ten'"]),
    "select 1, 'b' from t where a = 'ten'",
  );
  t.equal(inlineParameters('select $1::text || $1', ["'a'"]), "select 'a'::text || 'a'");
});

t.test('text that only looks like a parameter is left alone', async (t) => {
  const lit = ["'X'"];
  t.equal(inlineParameters(`select '$1', 'it''s $1', $1`, lit), `select '$1', 'it''s $1', 'X'`, 'in a string, quotes doubled');
  t.equal(inlineParameters(`select E'\\' $1', $1`, lit), `select E'\\' $1', 'X'`, 'in an E string, a backslash-escaped quote');
  t.equal(inlineParameters(`select "col$1", "a""$1", $1`, lit), `select "col$1", "a""$1", 'X'`, 'in a quoted identifier');
  t.equal(inlineParameters(`select a$1, $1`, lit), `select a$1, 'X'`, 'in an identifier');
  t.equal(inlineParameters(`select $1 -- $1\n, /* $1 */ $1`, lit), `select 'X' -- $1\n, /* $1 */ 'X'`, 'in comments');
});

t.test('what it cannot place is refused', async (t) => {
  t.throws(() => inlineParameters('select $$a$$', []), /dollar-quoted/);
  t.throws(() => inlineParameters('select $2', ['1']), /no parameter \$2/);
});

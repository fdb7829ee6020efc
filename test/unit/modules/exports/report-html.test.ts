import t from 'tap';
import { escapeHtml, html } from '../../../../server/src/modules/exports/report-html.js';

t.test('the html tag escapes every interpolation; only its own markup passes through', async (t) => {
  t.equal(escapeHtml(`<a href="x" onclick='y'>&</a>`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  const name = '<script>alert(1)</script>';
  t.equal(html`<td>${name}</td>`.value, '<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>');
  // Prettier would format this html`` literal as HTML, adding the whitespace the assertion rules out.
  // prettier-ignore
  t.equal(html`<tr>${[1, 2].map((n) => html`<td>${n}</td>`)}</tr>`.value, '<tr><td>1</td><td>2</td></tr>');
  t.equal(
    html`<p title="${'" onmouseover="x'}"></p>`.value,
    '<p title="&quot; onmouseover=&quot;x"></p>',
    'attributes cannot be broken out of',
  );
  t.equal(html`${null}${undefined}${false}`.value, '');
});

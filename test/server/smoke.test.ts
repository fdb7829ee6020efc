import t from 'tap';
import { createTestApp } from '../helpers/app.js';

t.test('health and login', async (t) => {
  const ctx = await createTestApp(t);
  const health = await ctx.app.inject({ url: '/healthz' });
  t.equal(health.statusCode, 200);
  const auth = await ctx.bearer('super@acme.test');
  const orgs = await ctx.app.inject({ url: '/api/orgs', headers: { authorization: auth } });
  t.equal(orgs.statusCode, 200);
  t.same(orgs.json().items.map((o: { slug: string }) => o.slug), ['acme']);
});

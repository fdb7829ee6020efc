import t from 'tap';
import type { IntegrationCredentials, TokenRequestOptions } from '../../../../server/src/modules/oauth/token-manager.js';
import { runCredentials } from '../../../../server/src/modules/sync-engine/run-credentials.js';

/**
 * A stand-in for the token manager over one stored token: `store` is what the database holds (another process may
 * replace it), a forced refresh replaces it with a new one; every read and refresh is counted.
 */
function tokenStore(first: { token: string; expiresAt: Date | null }) {
  const store = { ...first, reads: 0, refreshes: 0 };
  const read = async (options: TokenRequestOptions = {}): Promise<IntegrationCredentials> => {
    store.reads++;
    if (options.forceRefresh) {
      store.refreshes++;
      store.token = `refreshed-${store.refreshes}`;
    }
    return {
      accessToken: store.token,
      tokenType: 'Bearer',
      expiresAt: store.expiresAt,
      scopes: [],
      connectionValues: { instanceUrl: 'x' },
    };
  };
  return { store, read };
}

const HOUR = 3_600_000;

t.test('a valid token is read once for the whole run, not once per request', async (t) => {
  const { store, read } = tokenStore({ token: 'a', expiresAt: new Date(Date.now() + HOUR) });
  const credentials = await runCredentials(read);
  for (let i = 0; i < 50; i++) t.equal(await credentials.accessToken(), 'a');
  t.equal(store.reads, 1);
  t.same(credentials.connectionValues, { instanceUrl: 'x' });
});

t.test('a token about to expire is read again (where the token manager refreshes it)', async (t) => {
  let now = Date.now();
  const { store, read } = tokenStore({ token: 'a', expiresAt: new Date(now + 10 * 60_000) });
  const credentials = await runCredentials(read, () => now);
  await credentials.accessToken();
  t.equal(store.reads, 1);
  now += 9.5 * 60_000; // 30 s left: inside the refresh margin
  store.token = 'b';
  t.equal(await credentials.accessToken(), 'b');
  t.equal(store.reads, 2);
});

t.test('a 401 after another process refreshed the token: the stored one is used, no second refresh', async (t) => {
  const { store, read } = tokenStore({ token: 'a', expiresAt: new Date(Date.now() + HOUR) });
  const credentials = await runCredentials(read);
  await credentials.accessToken();
  store.token = 'refreshed-elsewhere';
  await credentials.refused();
  t.equal(await credentials.accessToken(), 'refreshed-elsewhere');
  t.equal(store.refreshes, 0, 'no refresh at the provider');
});

t.test('a 401 on the stored token itself forces exactly one refresh', async (t) => {
  const { store, read } = tokenStore({ token: 'a', expiresAt: new Date(Date.now() + HOUR) });
  const credentials = await runCredentials(read);
  await credentials.accessToken();
  await credentials.refused();
  t.equal(store.refreshes, 1);
  t.equal(await credentials.accessToken(), 'refreshed-1');
  t.equal(store.reads, 3, 'the first read, the re-read after the 401, the forced refresh');
});

t.test('a token without an expiry is kept for the run', async (t) => {
  const { store, read } = tokenStore({ token: 'a', expiresAt: null });
  const credentials = await runCredentials(read);
  for (let i = 0; i < 5; i++) await credentials.accessToken();
  t.equal(store.reads, 1);
});

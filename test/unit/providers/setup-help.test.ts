import t from 'tap';
import { PROVIDERS } from '../../../server/src/providers/catalog.js';
import { SETUP_HELP, setupHelpOf } from '../../../server/src/providers/setup-help.js';

t.test('every provider in the catalog has setup help, and no help names a provider that is not', async (t) => {
  for (const provider of PROVIDERS) {
    const help = setupHelpOf(provider.key);
    t.ok(help, `${provider.key} has setup help`);
    if (!help) continue;
    t.match(help.console.url, /^https:\/\//, `${provider.key}: its console is an https link`);
    t.ok(help.steps.length >= 1, `${provider.key}: at least one step`);
    // An OAuth app is only usable with our callback URL registered: every OAuth provider's help says where.
    if (provider.authType === 'oauth2') t.match(help.steps.join(' '), /callback URL/, `${provider.key}: where the callback URL goes`);
    else t.notMatch(help.steps.join(' '), /callback URL/, `${provider.key}: no callback URL without OAuth`);
  }
  const keys = new Set(PROVIDERS.map((p) => p.key));
  t.same(
    Object.keys(SETUP_HELP).filter((k) => !keys.has(k)),
    [],
    'no help for unknown providers',
  );
});

t.test('an unknown key, even an inherited property name, has no help', async (t) => {
  t.equal(setupHelpOf('no_such_provider'), null);
  t.equal(setupHelpOf('constructor'), null);
  t.equal(setupHelpOf('__proto__'), null);
});

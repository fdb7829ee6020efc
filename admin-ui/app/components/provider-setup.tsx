import type { Provider, ProviderDetail } from '~/lib/types';
import { CopyField } from './copy-field';
import { Card } from './ui';

const TITLES: Record<Provider['authType'], string> = {
  oauth2: 'Set up the OAuth app',
  api_key: 'Where to find the API key',
  basic: 'Where to find the password',
};

/**
 * A provider's setup help beside its credentials form: the console to open and what to do there (GET /api/providers
 * /:key `setup`, kept beside the provider definitions), then for OAuth the callback URL to register and the scopes to add.
 */
export function ProviderSetup({ provider, callbackUrl }: { provider: ProviderDetail; callbackUrl: string }) {
  const setup = provider.setup;
  return (
    <Card title={TITLES[provider.authType]}>
      <div className="space-y-3 text-sm text-slate-600" data-testid="provider-setup">
        {setup && (
          <>
            <p>
              In{' '}
              <a href={setup.console.url} target="_blank" rel="noreferrer" className="font-medium text-brand-700 underline">
                {setup.console.name}
              </a>
              :
            </p>
            <ol className="list-decimal space-y-1.5 pl-5">
              {setup.steps.map((step) => (
                <li key={step}>{step}</li>
              ))}
            </ol>
          </>
        )}
        {provider.authType === 'oauth2' && (
          <>
            <CopyField label="Callback URL" value={callbackUrl} />
            {provider.defaultScopes.length > 0 && (
              <div>
                <p className="font-medium text-slate-700">Scopes</p>
                <ul className="mt-1 flex flex-wrap gap-1">
                  {provider.defaultScopes.map((s) => (
                    <li key={s}>
                      <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800 [overflow-wrap:anywhere]">
                        {s}
                      </code>
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {provider.pkce && <p className="text-xs">This provider uses PKCE (S256); nothing to configure for it.</p>}
          </>
        )}
        {setup?.scopes && <p className="text-xs">{setup.scopes}</p>}
        <p className="border-t border-slate-100 pt-3 text-xs">
          Scripting it instead? The{' '}
          <a href="/docs" className="font-medium text-brand-700 underline">
            API reference
          </a>{' '}
          lists every endpoint.
        </p>
      </div>
    </Card>
  );
}

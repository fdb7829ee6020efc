/**
 * Per-provider setup help, beside the provider definitions: where a person makes the OAuth app (or the API key,
 * or the app password) that an integration needs, and where that provider's console shows the client id and
 * secret. The admin UI shows it on the new-integration and credentials forms, with the callback URL (built from
 * PUBLIC_URL, the same for every provider) and the provider's default scopes. Plain data, kept short: menu names
 * as the provider's console spells them, so a person can follow them; a console that moves its menus makes a
 * step stale, not wrong about what is needed.
 */
export interface ProviderSetupHelp {
  /** The console where the app or key is made. */
  console: { name: string; url: string };
  /** What to do there, in order. */
  steps: readonly string[];
  /** Anything about scopes or permissions beyond the default scopes listed on the form. */
  scopes?: string;
}

const GOOGLE: ProviderSetupHelp = {
  console: { name: 'Google Cloud console', url: 'https://console.cloud.google.com/apis/credentials' },
  steps: [
    'Pick or create a project, then enable the API this integration reads (APIs & Services → Library).',
    'Configure the OAuth consent screen (APIs & Services → OAuth consent screen) and add the scopes below.',
    'Create credentials → OAuth client ID → Web application; add the callback URL under Authorized redirect URIs.',
    'Copy the Client ID and Client secret from the dialog that follows (also under the client’s details later).',
  ],
  scopes: 'While the consent screen is in Testing, only its listed test users can connect.',
};

const MICROSOFT: ProviderSetupHelp = {
  console: {
    name: 'Microsoft Entra admin center',
    url: 'https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade',
  },
  steps: [
    'App registrations → New registration; under Redirect URI choose Web and paste the callback URL.',
    'Copy the Application (client) ID from the app’s Overview page.',
    'Certificates & secrets → New client secret; copy its Value (not the Secret ID) at once: it is shown only then.',
    'API permissions → Add a permission → Microsoft Graph → Delegated permissions: add the scopes below.',
  ],
  scopes: 'Some Graph permissions need an administrator’s consent in your tenant.',
};

export const SETUP_HELP: Readonly<Record<string, ProviderSetupHelp>> = {
  apple_calendar: {
    console: { name: 'Apple Account', url: 'https://account.apple.com/account/manage' },
    steps: [
      'Sign in and open Sign-In and Security → App-Specific Passwords (two-factor authentication must be on).',
      'Generate a password for Linkyard; use your Apple Account email as the username and that password here.',
    ],
  },
  fastmail: {
    console: { name: 'Fastmail settings', url: 'https://app.fastmail.com/settings/security/devicekeys' },
    steps: [
      'Settings → Privacy & Security → Manage app passwords and access → New app password.',
      'Give it CalDAV access; use your Fastmail address as the username and the generated password here.',
    ],
  },
  clickup: {
    console: { name: 'ClickUp settings', url: 'https://app.clickup.com/settings/apps' },
    steps: [
      'Settings → Apps → Create new app (a Workspace owner or admin can).',
      'Paste the callback URL as the app’s redirect URL.',
      'Copy the Client ID and Client Secret shown for the app.',
    ],
  },
  custom: {
    console: { name: 'Your API’s documentation', url: 'https://oauth.net/2/' },
    steps: [
      'Register an OAuth 2.0 client with your API’s authorization server, with the callback URL as its redirect URI.',
      'Copy the client id and secret it gives you, and fill in its authorization and token URLs under Settings.',
    ],
  },
  dropbox: {
    console: { name: 'Dropbox App Console', url: 'https://www.dropbox.com/developers/apps' },
    steps: [
      'Create app → Scoped access; choose the access type (a folder or the full Dropbox).',
      'Settings tab → OAuth 2 → Redirect URIs: add the callback URL.',
      'Copy the App key (the client id) and App secret from the Settings tab.',
      'Permissions tab: tick the scopes below and press Submit.',
    ],
  },
  fitbit: {
    console: { name: 'Fitbit developer site', url: 'https://dev.fitbit.com/apps/new' },
    steps: [
      'Register an app; OAuth 2.0 Application Type: Server; paste the callback URL as the Redirect URL.',
      'Manage My Apps: copy the OAuth 2.0 Client ID and Client Secret.',
    ],
  },
  github: {
    console: { name: 'GitHub developer settings', url: 'https://github.com/settings/developers' },
    steps: [
      'OAuth Apps → New OAuth App (for an organization: the organization’s Settings → Developer settings).',
      'Paste the callback URL as the Authorization callback URL.',
      'Copy the Client ID; Generate a new client secret and copy it at once.',
    ],
  },
  google_analytics: GOOGLE,
  google_calendar: GOOGLE,
  google_drive: GOOGLE,
  google_meet: GOOGLE,
  hubspot: {
    console: { name: 'HubSpot developer account', url: 'https://developers.hubspot.com/' },
    steps: [
      'In a developer account: Apps → Create app.',
      'Auth tab: paste the callback URL under Redirect URLs and add the scopes below.',
      'Copy the Client ID and Client secret from the same Auth tab.',
    ],
  },
  jira: {
    console: { name: 'Atlassian developer console', url: 'https://developer.atlassian.com/console/myapps/' },
    steps: [
      'Create → OAuth 2.0 integration.',
      'Permissions → Jira API → Add, then Configure: add the scopes below.',
      'Authorization → OAuth 2.0 (3LO) → Configure: paste the callback URL.',
      'Settings: copy the Client ID and Secret.',
    ],
    scopes: 'offline_access is what lets Linkyard refresh the token without asking again.',
  },
  linear: {
    console: { name: 'Linear settings', url: 'https://linear.app/settings/api/applications/new' },
    steps: [
      'Settings → API → OAuth Applications → New (a workspace admin can).',
      'Paste the callback URL under Callback URLs.',
      'Copy the Client ID and Client secret shown for the application.',
    ],
  },
  mailchimp: {
    console: { name: 'Mailchimp account', url: 'https://admin.mailchimp.com/account/oauth2/' },
    steps: [
      'Profile → Extras → Registered apps → Register An App.',
      'Paste the callback URL as the Redirect URI.',
      'Copy the Client ID and Client Secret shown after saving.',
    ],
  },
  microsoft_teams: MICROSOFT,
  outlook: MICROSOFT,
  notion: {
    console: { name: 'Notion integrations', url: 'https://www.notion.so/profile/integrations' },
    steps: [
      'New integration → Type: Public; fill in the required company details.',
      'Paste the callback URL under OAuth Domain & URIs → Redirect URIs.',
      'Configuration tab: copy the OAuth Client ID and OAuth Client Secret.',
    ],
    scopes: 'Notion has no scopes: a person picks the pages Linkyard may read while connecting.',
  },
  quickbooks: {
    console: { name: 'Intuit Developer portal', url: 'https://developer.intuit.com/app/developer/dashboard' },
    steps: [
      'Dashboard → Create an app → QuickBooks Online and Payments; choose the accounting scope.',
      'Keys & credentials (Production or Development): paste the callback URL under Redirect URIs.',
      'Copy the Client ID and Client Secret from the same page.',
    ],
  },
  salesforce: {
    console: { name: 'Salesforce Setup', url: 'https://login.salesforce.com/' },
    steps: [
      'Setup → App Manager → New Connected App (or New External Client App); Enable OAuth Settings.',
      'Paste the callback URL as the Callback URL and add the scopes below.',
      'Manage Consumer Details: copy the Consumer Key (the client id) and Consumer Secret.',
    ],
    scopes: 'refresh_token (“Perform requests at any time”) lets Linkyard keep syncing without asking again.',
  },
  shopify: {
    console: { name: 'Shopify Partners / Dev Dashboard', url: 'https://partners.shopify.com/' },
    steps: [
      'Apps → Create app; under its configuration, add the callback URL to Allowed redirection URL(s).',
      'Client credentials: copy the Client ID and Client secret.',
      'Fill in the shop’s myshopify.com name under Settings.',
    ],
  },
  slack: {
    console: { name: 'Slack API apps', url: 'https://api.slack.com/apps' },
    steps: [
      'Create New App → From scratch, in your workspace.',
      'OAuth & Permissions: add the callback URL under Redirect URLs and the scopes below under Scopes.',
      'Basic Information → App Credentials: copy the Client ID and Client Secret.',
    ],
  },
  stripe: {
    console: { name: 'Stripe Dashboard', url: 'https://dashboard.stripe.com/apikeys' },
    steps: [
      'Developers → API keys.',
      'Prefer a restricted key (Create restricted key) with read access to what you sync; a secret key (sk_…) works too.',
      'Copy the key once it is shown; test-mode keys (sk_test_…) read test data only.',
    ],
  },
  todoist: {
    console: { name: 'Todoist App Management Console', url: 'https://developer.todoist.com/appconsole.html' },
    steps: [
      'Create a new app.',
      'Paste the callback URL as the OAuth redirect URL.',
      'Copy the Client ID and Client secret shown for the app.',
    ],
  },
  zendesk: {
    console: { name: 'Zendesk Admin Center', url: 'https://www.zendesk.com/admin/' },
    steps: [
      'Admin Center → Apps and integrations → APIs → OAuth Clients → Add OAuth client.',
      'Client kind: Confidential; paste the callback URL under Redirect URLs.',
      'Save, then copy the Identifier (the client id) and the Secret, which is shown once.',
      'Fill in your Zendesk subdomain under Settings.',
    ],
  },
};

/** A provider's setup help, or null for a provider without any (none today; the test keeps it so). */
export function setupHelpOf(key: string): ProviderSetupHelp | null {
  return Object.hasOwn(SETUP_HELP, key) ? SETUP_HELP[key]! : null;
}

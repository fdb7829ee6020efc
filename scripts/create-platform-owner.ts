import { CliError, readSecretLine, runCli, say, step, UsageError, withDatabase } from './lib/cli.js';

const MIN_PASSWORD = 12;

const USAGE = `
Usage: npm run create-platform-owner -- --email <address> [--name <full name>] [--password-stdin]
       npx tsx scripts/create-platform-owner.ts --email <address> [--name <full name>] [--password-stdin]

Makes a user a Platform Owner: creates the user when no account has that email, or promotes the
existing account (its name and password stay as they are). Safe to run again. Each change is
written to the platform audit trail.

Options:
  --email <address>   the user's email (required; matched case-insensitively)
  --name <full name>  the new user's display name (required to create a user)
  --password-stdin    read the password from the first line of standard input
  -h, --help          show this help

The password (at least ${MIN_PASSWORD} characters; needed only to create a user) comes from
--password-stdin, else from the PLATFORM_OWNER_PASSWORD environment variable. It is never taken
as an argument, where it would show in the process list, and never printed.

Example:
  printf '%s\\n' "$PASSWORD" | npm run create-platform-owner -- --email ops@example.com --name "Ops" --password-stdin

Exit codes: 0 done, 1 failed, 2 bad arguments.
`;

const options = {
  email: { type: 'string' },
  name: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  // Declared only to answer it with a better message than "unknown option".
  password: { type: 'string' },
} as const;

await runCli({ name: 'create-platform-owner', usage: USAGE, options }, async ({ values }) => {
  if (values.password !== undefined) {
    throw new UsageError('--password is not accepted (it would show in the process list); use --password-stdin or PLATFORM_OWNER_PASSWORD');
  }
  const email = values.email?.trim();
  if (!email) throw new UsageError('--email is required');
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new UsageError(`--email "${email}" is not an email address`);
  const name = values.name?.trim() || null;
  if (name && name.length > 200) throw new UsageError('--name must be at most 200 characters');

  const password = values['password-stdin'] ? await readSecretLine('Password: ') : process.env.PLATFORM_OWNER_PASSWORD || null;
  if (values['password-stdin'] && !password) throw new CliError('No password on standard input');
  if (password !== null && [...password].length < MIN_PASSWORD) throw new CliError(`Password must be at least ${MIN_PASSWORD} characters`);

  await withDatabase(async (db, config) => {
    const [{ sql }, { systemContext }, { inScope }, { recordAudit }, { ensureUser }] = await Promise.all([
      import('kysely'),
      import('../server/src/lib/context.js'),
      import('../server/src/lib/db-scope.js'),
      import('../server/src/modules/audit/audit.service.js'),
      import('../server/src/seed/users.js'),
    ]);
    say(`Making ${email} a Platform Owner…`);
    // The change and its audit event commit together, or not at all.
    const result = await inScope(db, { platform: true }, async (tx) => {
      const existing = await tx
        .selectFrom('users')
        .select(['id', 'platform_role', 'status'])
        .where(sql`lower(email)`, '=', email.toLowerCase())
        .forUpdate()
        .executeTakeFirst();
      let outcome: 'created' | 'promoted' | 'unchanged';
      let id: string;
      if (!existing) {
        if (!name) throw new CliError(`No user has the email ${email}; --name is required to create one`);
        if (!password)
          throw new CliError(
            `No user has the email ${email}; a password (--password-stdin or PLATFORM_OWNER_PASSWORD) is required to create one`,
          );
        // ensureUser only needs a handle to run its queries on: give it this transaction.
        ({ id } = await ensureUser(
          { ...db, kysely: tx },
          { email, name, password, platformOwner: true, hashCost: config.passwordHashCost },
        ));
        outcome = 'created';
      } else if (existing.platform_role !== 'platform_owner') {
        await tx
          .updateTable('users')
          .set({ platform_role: 'platform_owner', updated_at: new Date() })
          .where('id', '=', existing.id)
          .execute();
        ({ id } = existing);
        outcome = 'promoted';
      } else {
        return { outcome: 'unchanged' as const, id: existing.id, status: existing.status };
      }
      await recordAudit(tx, systemContext('create-platform-owner'), {
        organizationId: null,
        action: `platform_owner.${outcome}`,
        target: { type: 'user', id },
        metadata: { email },
      });
      return { outcome, id, status: existing?.status ?? 'active' };
    });

    if (result.outcome === 'created') step(`created user ${result.id} with the Platform Owner role`);
    if (result.outcome === 'promoted')
      step(`promoted existing user ${result.id} to Platform Owner${password ? ' (password unchanged)' : ''}`);
    if (result.outcome === 'unchanged') step(`user ${result.id} is already a Platform Owner; nothing changed`);
    if (result.status === 'invited') step('note: the account is invited; it can sign in once the invitation is accepted');
    if (result.status === 'disabled') step('note: the account is disabled, so it cannot sign in');
    say(
      {
        created: `Summary: created ${email} as a Platform Owner.`,
        promoted: `Summary: promoted ${email} to Platform Owner.`,
        unchanged: `Summary: nothing to do; ${email} is already a Platform Owner.`,
      }[result.outcome],
    );
  });
});

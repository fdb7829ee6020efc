import { CliError, plural, runCli, say, step, UsageError, withDatabase } from './lib/cli.js';

const USAGE = `
Usage: npm run migrate -- [up | down | status] [--yes]
       npx tsx scripts/migrate.ts [up | down | status] [--yes]

Applies, reverts or lists the database migrations (db/migrations/) on DATABASE_URL, or on the
embedded PGlite database in DATA_DIR (default .data/) when DATABASE_URL is not set.

Commands:
  up          apply every pending migration, in order (the default); safe to run again
  down        revert the most recently applied migration (drops what it created, data included)
  status      list every migration as applied (with when) or pending

Options:
  --yes       confirm "down" when NODE_ENV=production
  -h, --help  show this help

Exit codes: 0 done, 1 failed, 2 bad arguments.
`;

await runCli(
  { name: 'migrate', usage: USAGE, options: { yes: { type: 'boolean' } }, maxPositionals: 1 },
  async ({ values, positionals }) => {
    const command = positionals[0] ?? 'up';
    if (command !== 'up' && command !== 'down' && command !== 'status') throw new UsageError(`unknown command "${command}"`);
    if (command === 'down' && process.env.NODE_ENV === 'production' && !values.yes) {
      throw new CliError('Refusing to revert a migration in production without --yes (it drops tables and their data)');
    }

    await withDatabase(
      async (db) => {
        const { createMigrator, unwrap } = await import('../db/migrate.js');
        const migrator = createMigrator(db.kysely);
        const all = await migrator.getMigrations();
        const pending = all.filter((m) => !m.executedAt);

        if (command === 'status') {
          const width = Math.max(...all.map((m) => m.name.length));
          say('Migrations:');
          for (const m of all)
            step(`${m.executedAt ? 'applied' : 'pending'}  ${m.name.padEnd(width)}  ${m.executedAt?.toISOString() ?? ''}`.trimEnd());
          say(`Summary: ${all.length - pending.length} applied, ${pending.length} pending.`);
          return;
        }

        if (command === 'up') {
          if (!pending.length) {
            say(`Nothing to do: the database is up to date (${plural(all.length, 'migration')} applied).`);
            return;
          }
          say(`Applying ${plural(pending.length, 'pending migration')}…`);
          // One migration per step, so progress shows as it happens and each one commits on its own.
          const applied: string[] = [];
          for (;;) {
            const started = Date.now();
            let names: string[];
            try {
              names = unwrap(await migrator.migrateUp());
            } catch (err) {
              const done = applied.length ? ` (${plural(applied.length, 'migration')} applied before it: ${applied.join(', ')})` : '';
              throw new CliError(`Migration failed: ${(err as Error).message}${done}`);
            }
            if (!names.length) break;
            for (const name of names) step(`applied ${name} (${Date.now() - started} ms)`);
            applied.push(...names);
          }
          say(`Summary: applied ${plural(applied.length, 'migration')}; the database is up to date.`);
          return;
        }

        const last = all.filter((m) => m.executedAt).at(-1);
        if (!last) {
          say('Nothing to do: no migration is applied.');
          return;
        }
        say(`Reverting ${last.name}…`);
        let reverted: string[];
        try {
          reverted = unwrap(await migrator.migrateDown());
        } catch (err) {
          throw new CliError(`Revert failed: ${(err as Error).message}`);
        }
        for (const name of reverted) step(`reverted ${name}`);
        say(
          `Summary: reverted ${reverted.join(', ')}; ${all.length - pending.length - reverted.length} applied, ${pending.length + reverted.length} pending.`,
        );
      },
      { requireMigrated: false },
    );
  },
);

import { CliError, plural, runCli, say, step, UsageError, withDatabase } from './lib/cli.js';

const USAGE = `
Usage: npm run seed -- --demo
       npx tsx scripts/seed.ts --demo

Creates seed data in a migrated database (run npm run migrate first). Safe to run again: what
already exists is left as it is and not created twice.

Options:
  --demo      the demo data: a Platform Owner (owner@linkyard.test); the organizations Acme and
              Globex with their Super Admins, Admins and a Viewer; and in each, a few integrations
              in different states with syncs, schedules and run history (listed in docs/api.md,
              "Demo data"). Every demo user's password is DEMO_PASSWORD (default linkyard-demo).
              Refused when NODE_ENV=production.
  -h, --help  show this help

Exit codes: 0 done, 1 failed, 2 bad arguments.
`;

await runCli({ name: 'seed', usage: USAGE, options: { demo: { type: 'boolean' } } }, async ({ values }) => {
  // There is no non-demo seed data yet.
  if (!values.demo) throw new UsageError('nothing to seed: pass --demo to create the demo data');
  // Checked before the configuration, which in production demands settings this refusal does not need.
  if (process.env.NODE_ENV === 'production') {
    throw new CliError('Refusing to seed demo data when NODE_ENV=production: demo users share a well-known password');
  }

  await withDatabase(async (db, config) => {
    const { DEMO_LOGINS, seedDemo } = await import('../server/src/seed/demo.js');
    say('Seeding demo data…');
    const s = await seedDemo(db, config.demoPassword, step, config.passwordHashCost);
    const { seedDemoIntegrations } = await import('../server/src/seed/demo-integrations.js');
    const { createVault } = await import('../server/src/lib/crypto/index.js');
    const integrations = await seedDemoIntegrations(
      db,
      createVault({ currentKey: config.encryptionKey, previousKeys: config.encryptionKeysPrevious }),
      step,
    );
    const created = s.usersCreated + s.organizationsCreated + s.membershipsCreated + integrations;
    say(
      created
        ? `Summary: created ${plural(s.usersCreated, 'user')}, ${plural(s.organizationsCreated, 'organization')}, ${plural(s.membershipsCreated, 'membership')}, ${plural(integrations, 'integration')} with syncs and run history.`
        : 'Summary: nothing to create; the demo data is already present (0 users, 0 organizations, 0 memberships created).',
    );
    const password = process.env.DEMO_PASSWORD ? '(the value of DEMO_PASSWORD)' : config.demoPassword;
    say(`Demo logins (password: ${password}):`);
    for (const l of DEMO_LOGINS) step(`${l.email.padEnd(22)} ${l.role}`);
  });
});

import { runCli, say, step, withDatabase } from './lib/cli.js';

const EXIT_BROKEN = 3;
const PROGRESS_EVERY = 1000;

const USAGE = `
Usage: npm run verify-audit-log
       npx tsx scripts/verify-audit-log.ts

Walks every audit hash chain (one per organization, one for platform events) from its first event
and checks each event's sequence, link and hash, and that each chain ends at its recorded head.
Reports the first broken link. Read-only.

Options:
  -h, --help  show this help

Exit codes: 0 every chain intact, 1 could not verify, 2 bad arguments, 3 a chain is broken.
`;

await runCli({ name: 'verify-audit-log', usage: USAGE, options: {} }, async () => {
  return withDatabase(async (db) => {
    const { verifyAuditChains } = await import('../server/src/modules/audit/audit.service.js');
    say('Verifying audit chains…');
    let reported = 0;
    const result = await verifyAuditChains(db, (checked) => {
      // Called once per batch of one chain, so crossings of each thousand are what to look for.
      if (Math.floor(checked / PROGRESS_EVERY) > Math.floor(reported / PROGRESS_EVERY)) {
        step(`${checked} events checked`);
        reported = checked;
      }
    });
    if (result.ok) {
      say(`OK: ${result.checked} events verified`);
      return 0;
    }
    say(`BROKEN at event ${result.firstBrokenEventId ?? '(none: the chain has no events)'}: ${result.reason}`);
    return EXIT_BROKEN;
  });
});

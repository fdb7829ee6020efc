import type { Migration } from 'kysely';
import * as foundation from './0001-foundation.js';
import * as integrations from './0002-integrations.js';
import * as syncs from './0003-syncs.js';
import * as scheduler from './0004-scheduler.js';
import * as rlsOncePerQuery from './0005-rls-once-per-query.js';
import * as invitations from './0006-invitations.js';
import * as millisecondListKeys from './0007-millisecond-list-keys.js';
import * as apiKeys from './0008-api-keys.js';
import * as changeFeed from './0009-change-feed.js';
import * as accounts from './0011-accounts.js';
import * as webhooksIn from './0012-webhooks-in.js';
import * as webhooksOut from './0010-webhooks-out.js';
import * as twoWaySync from './0013-two-way-sync.js';
import * as selectiveSync from './0014-selective-sync.js';
import * as webhookRegistrations from './0015-webhook-registrations.js';
import * as errorKinds from './0016-error-kinds.js';
import * as conflictListKey from './0017-conflict-list-key.js';
import * as conflictDeletes from './0018-conflict-deletes.js';
import * as activeRunsIndex from './0019-active-runs-index.js';
import * as runClaimedBy from './0020-run-claimed-by.js';

/** Every migration, in the order it runs. Append only; never rename or reorder an applied one. */
export const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-integrations': integrations,
  '0003-syncs': syncs,
  '0004-scheduler': scheduler,
  '0005-rls-once-per-query': rlsOncePerQuery,
  '0006-invitations': invitations,
  '0007-millisecond-list-keys': millisecondListKeys,
  '0008-api-keys': apiKeys,
  '0009-change-feed': changeFeed,
  '0010-webhooks-out': webhooksOut,
  '0011-accounts': accounts,
  '0012-webhooks-in': webhooksIn,
  '0013-two-way-sync': twoWaySync,
  '0014-selective-sync': selectiveSync,
  '0015-webhook-registrations': webhookRegistrations,
  '0016-error-kinds': errorKinds,
  '0017-conflict-list-key': conflictListKey,
  '0018-conflict-deletes': conflictDeletes,
  '0019-active-runs-index': activeRunsIndex,
  '0020-run-claimed-by': runClaimedBy,
};

import type { Db } from '../../db/client.js';
import type { Config } from './config.js';
import { createAuditService } from './modules/audit/audit.service.js';
import { createAuthService, type AccessClaims } from './modules/auth/auth.service.js';
import { createMembersService } from './modules/organizations/members.service.js';
import { createOrganizationsService } from './modules/organizations/organizations.service.js';
import { createPlatformService } from './modules/platform/platform.service.js';

/** Every domain service, wired once per process; routes, scripts and jobs share them. */
export function createServices({ db, config, signAccessToken }: { db: Db; config: Config; signAccessToken: (c: AccessClaims) => string }) {
  return {
    auth: createAuthService(db, config, signAccessToken),
    organizations: createOrganizationsService(db),
    members: createMembersService(db),
    audit: createAuditService(db),
    platform: createPlatformService(db),
  };
}

export type Services = ReturnType<typeof createServices>;

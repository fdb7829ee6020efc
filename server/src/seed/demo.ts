import type { Db } from '../../../db/client.js';
import type { MemberRole } from '../../../db/schema.js';
import { systemContext } from '../lib/context.js';
import { inScope } from '../lib/db-scope.js';
import { recordAudit } from '../modules/audit/audit.service.js';
import { ensureMembership, ensureOrganization, ensureUser } from './users.js';

/** The demo data (docs/api.md, Demo data): every demo user signs in with DEMO_PASSWORD. */
export const DEMO_ORGANIZATIONS = [
  {
    slug: 'acme',
    name: 'Acme',
    members: [
      ['super@acme.test', 'Sam Super', 'super_admin'],
      ['admin@acme.test', 'Ada Admin', 'admin'],
      ['viewer@acme.test', 'Vic Viewer', 'viewer'],
    ],
  },
  {
    slug: 'globex',
    name: 'Globex',
    members: [
      ['super@globex.test', 'Gina Super', 'super_admin'],
      ['admin@globex.test', 'Gus Admin', 'admin'],
    ],
  },
] as const satisfies readonly { slug: string; name: string; members: readonly (readonly [string, string, MemberRole])[] }[];

export const DEMO_PLATFORM_OWNER = { email: 'owner@linkyard.test', name: 'Olive Owner' };

export const DEMO_LOGINS: { email: string; role: string }[] = [
  { email: DEMO_PLATFORM_OWNER.email, role: 'Platform Owner' },
  ...DEMO_ORGANIZATIONS.flatMap((o) => o.members.map(([email, , role]) => ({ email, role: `${role.replace('_', ' ')} of ${o.name}` }))),
];

export interface SeedSummary {
  usersCreated: number;
  organizationsCreated: number;
  membershipsCreated: number;
}

export async function seedDemo(
  db: Db,
  password: string,
  progress: (line: string) => void = () => {},
  hashCost?: number,
): Promise<SeedSummary> {
  const summary: SeedSummary = { usersCreated: 0, organizationsCreated: 0, membershipsCreated: 0 };
  const owner = await ensureUser(db, { ...DEMO_PLATFORM_OWNER, password, platformOwner: true, hashCost });
  summary.usersCreated += owner.created ? 1 : 0;
  progress(`platform owner ${DEMO_PLATFORM_OWNER.email}: ${owner.created ? 'created' : 'exists'}`);

  for (const org of DEMO_ORGANIZATIONS) {
    const o = await ensureOrganization(db, org);
    summary.organizationsCreated += o.created ? 1 : 0;
    if (o.created) {
      await inScope(db, { org: o.id }, (tx) =>
        recordAudit(tx, systemContext('seed'), {
          organizationId: o.id,
          action: 'organization.created',
          target: { type: 'organization', id: o.id },
          metadata: { slug: org.slug, demo: true },
        }),
      );
    }
    for (const [email, name, role] of org.members) {
      const u = await ensureUser(db, { email, name, password, hashCost });
      const m = await ensureMembership(db, o.id, u.id, role);
      summary.usersCreated += u.created ? 1 : 0;
      summary.membershipsCreated += m.created ? 1 : 0;
      if (m.created) {
        await inScope(db, { org: o.id }, (tx) =>
          recordAudit(tx, systemContext('seed'), {
            organizationId: o.id,
            action: 'member.added',
            target: { type: 'user', id: u.id },
            metadata: { email, role, demo: true },
          }),
        );
      }
    }
    progress(`organization ${org.slug}: ${o.created ? 'created' : 'exists'}, ${org.members.length} members`);
  }
  return summary;
}

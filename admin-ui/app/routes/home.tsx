import { redirect } from 'react-router';
import type { Route } from './+types/home';
import { loadApi } from '~/lib/api.server';
import type { Me, Org } from '~/lib/types';
import { EmptyState } from '~/components/ui';

/** The start page: the platform console for the Platform Owner, else the user's first organization. */
export async function loader({ request, context }: Route.LoaderArgs) {
  const me = await loadApi<Me>(request, context, '/api/auth/me');
  if (me.user.platformRole === 'platform_owner') throw redirect('/platform');
  const orgs = await loadApi<{ items: Org[] }>(request, context, '/api/orgs');
  const first = orgs.items.find((o) => o.status === 'active') ?? orgs.items[0];
  if (first) throw redirect(`/orgs/${first.id}/integrations`);
  return null;
}

export const meta: Route.MetaFunction = () => [{ title: 'Linkyard' }];

export default function Home() {
  return (
    <main className="mx-auto max-w-3xl px-6 py-16">
      <EmptyState
        title="You are not a member of any organization yet"
        description="Ask a Super Admin of your organization to add you, then sign in again."
      />
    </main>
  );
}

import { redirect } from 'react-router';
import type { Route } from './+types/home';
import { api, loaded } from '~/lib/api.server';
import { EmptyState } from '~/components/ui';

/** The start page: the platform console for the Platform Owner, else the user's first organization. */
export async function loader({ request, context }: Route.LoaderArgs) {
  const me = await loaded(request, api(context).GET('/api/auth/me'));
  if (me.user.platformRole === 'platform_owner') throw redirect('/platform');
  const orgs = await loaded(request, api(context).GET('/api/orgs'));
  const first = orgs.items.find((o) => o.status === 'active') ?? orgs.items[0];
  if (first) throw redirect(`/orgs/${first.id}/integrations`);
  return null;
}

export const meta: Route.MetaFunction = () => [{ title: 'Linkyard' }];

export default function Home() {
  return (
    <main id="main" tabIndex={-1} className="mx-auto max-w-3xl px-6 py-16">
      <EmptyState
        title="You are not a member of any organization yet"
        description="Ask a Super Admin of your organization to add you, then sign in again."
      />
    </main>
  );
}

import { redirect } from 'react-router';
import type { Route } from './+types/org-index';

export const loader = ({ params }: Route.LoaderArgs) => redirect(`/orgs/${params.orgId}/integrations`);

import { redirect } from 'react-router';
import type { Route } from './+types/logout';
import { api } from '~/lib/api.server';

export async function action({ context }: Route.ActionArgs) {
  await api(context).POST('/api/auth/logout', { body: {} });
  throw redirect('/login');
}

export const loader = () => redirect('/');

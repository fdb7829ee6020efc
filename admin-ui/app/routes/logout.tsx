import { redirect } from 'react-router';
import type { Route } from './+types/logout';
import { callApi } from '~/lib/api.server';

export async function action({ context }: Route.ActionArgs) {
  await callApi(context, 'POST', '/api/auth/logout');
  throw redirect('/login');
}

export const loader = () => redirect('/');

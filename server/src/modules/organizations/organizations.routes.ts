import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { commonErrors, ErrorResponse } from '../../lib/schemas.js';
import { Type } from '@sinclair/typebox';
import type { OrganizationsService } from './organizations.service.js';
import type { MembersService } from './members.service.js';
import * as S from './organizations.schemas.js';

const tags = ['organizations'];
const conflict = { 409: Type.Ref(ErrorResponse) };

/** The organizations module's routes: the organizations themselves, then who belongs to them. */
export const organizationsRoutes: FastifyPluginAsyncTypebox<{ organizations: OrganizationsService; members: MembersService }> = async (
  app,
  { organizations, members },
) => {
  await app.register(organizationRoutes, { organizations });
  await app.register(memberRoutes, { members });
  await app.register(invitationRoutes, { members });
};

/** Listing, creating, reading and updating organizations. */
const organizationRoutes: FastifyPluginAsyncTypebox<{ organizations: OrganizationsService }> = async (app, { organizations }) => {
  app.get(
    '/api/orgs',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Organizations the caller belongs to (Platform Owner: all)',
        querystring: S.ListQuery,
        response: { 200: S.OrganizationList, ...commonErrors },
      },
    },
    async (request) => organizations.list(request.personCtx, request.query),
  );

  app.post(
    '/api/orgs',
    {
      config: { access: { action: 'create', subject: 'Organization' } },
      schema: {
        tags,
        summary: 'Create an organization and its first Super Admin (Platform Owner)',
        body: S.CreateOrganizationBody,
        response: { 201: S.CreatedOrganization, ...commonErrors, ...conflict },
      },
    },
    async (request, reply) => reply.code(201).send(await organizations.create(request.personCtx, request.body)),
  );

  app.get(
    '/api/orgs/:orgId',
    {
      config: { access: { action: 'read', subject: 'Organization' } },
      schema: { tags, summary: 'One organization', params: S.OrgParams, response: { 200: S.Organization, ...commonErrors } },
    },
    async (request) => organizations.get(request.authedCtx, request.params.orgId),
  );

  app.patch(
    '/api/orgs/:orgId',
    {
      // Field-level rules (rename vs suspend) are checked by the service.
      config: { access: { action: 'update', subject: 'Organization' } },
      schema: {
        tags,
        summary:
          'Rename (Super Admin, Platform Owner), change the default time zone and data retention (Super Admin), or suspend/reactivate (Platform Owner)',
        params: S.OrgParams,
        body: S.UpdateOrganizationBody,
        response: { 200: S.Organization, ...commonErrors },
      },
    },
    async (request) => organizations.update(request.authedCtx, request.params.orgId, request.body),
  );

  app.delete(
    '/api/orgs/:orgId',
    {
      config: { access: { action: 'delete', subject: 'Organization' } },
      schema: {
        operationId: 'deleteOrganization',
        tags,
        summary:
          "Delete an organization and all its data (Platform Owner); its data key is destroyed first, so no copy of its secrets stays readable. The body's confirm is the organization's slug.",
        params: S.OrgParams,
        body: S.DeleteOrganizationBody,
        response: { 204: Type.Null(), ...commonErrors },
      },
    },
    async (request, reply) => {
      await organizations.remove(request.personCtx, request.params.orgId, request.body.confirm);
      return reply.code(204).send(null);
    },
  );
};

/** Membership: the members and their roles, and the pending invitations through which people join. */
const memberRoutes: FastifyPluginAsyncTypebox<{ members: MembersService }> = async (app, { members }) => {
  app.get(
    '/api/orgs/:orgId/members',
    {
      config: { access: { action: 'read', subject: 'Member' } },
      schema: {
        tags,
        summary: 'Members and their roles',
        params: S.OrgParams,
        querystring: S.ListQuery,
        response: { 200: S.MemberList, ...commonErrors },
      },
    },
    async (request) => members.list(request.authedCtx, request.params.orgId, request.query),
  );

  app.post(
    '/api/orgs/:orgId/members',
    {
      config: { access: { action: 'create', subject: 'Member' } },
      schema: {
        tags,
        summary:
          'Invite a person (Super Admin): they become a member when they accept the one-time invitation token, whether or not they already have an account',
        params: S.OrgParams,
        body: S.AddMemberBody,
        response: { 201: S.AddedMember, ...commonErrors, ...conflict },
      },
    },
    async (request, reply) => reply.code(201).send(await members.add(request.personCtx, request.params.orgId, request.body)),
  );

  app.patch(
    '/api/orgs/:orgId/members/:userId',
    {
      config: { access: { action: 'update', subject: 'Member' } },
      schema: {
        tags,
        summary: "Change a member's role (Super Admin); the last Super Admin cannot be demoted",
        params: S.MemberParams,
        body: S.ChangeRoleBody,
        response: { 200: S.Member, ...commonErrors, ...conflict },
      },
    },
    async (request) => members.changeRole(request.authedCtx, request.params.orgId, request.params.userId, request.body.role),
  );

  app.delete(
    '/api/orgs/:orgId/members/:userId',
    {
      config: { access: { action: 'delete', subject: 'Member' } },
      schema: {
        tags,
        summary: 'Remove a member (Super Admin); the last Super Admin cannot be removed',
        params: S.MemberParams,
        response: { 204: Type.Null(), ...commonErrors, ...conflict },
      },
    },
    async (request, reply) => {
      await members.remove(request.authedCtx, request.params.orgId, request.params.userId);
      return reply.code(204).send(null);
    },
  );
};

/** Pending invitations: listed, sent again with a new link, revoked (Super Admin). */
const invitationRoutes: FastifyPluginAsyncTypebox<{ members: MembersService }> = async (app, { members }) => {
  app.get(
    '/api/orgs/:orgId/invitations',
    {
      config: { access: { action: 'create', subject: 'Member' } },
      schema: {
        tags,
        summary: 'Pending invitations, newest first (Super Admin)',
        params: S.OrgParams,
        querystring: S.ListQuery,
        response: { 200: S.PendingInvitationList, ...commonErrors },
      },
    },
    async (request) => members.listInvitations(request.authedCtx, request.params.orgId, request.query),
  );

  app.post(
    '/api/orgs/:orgId/invitations/:invitationId/resend',
    {
      config: { access: { action: 'create', subject: 'Member' } },
      schema: {
        operationId: 'resendInvitation',
        tags,
        summary: 'A new invitation link for a pending invitation, valid for 7 days; the old link stops working (Super Admin)',
        params: S.InvitationParams,
        response: { 200: S.Invitation, ...commonErrors },
      },
    },
    async (request) => members.resendInvitation(request.authedCtx, request.params.orgId, request.params.invitationId),
  );

  app.delete(
    '/api/orgs/:orgId/invitations/:invitationId',
    {
      config: { access: { action: 'delete', subject: 'Member' } },
      schema: {
        tags,
        summary: 'Revoke a pending invitation: its token stops working (Super Admin)',
        params: S.InvitationParams,
        response: { 204: Type.Null(), ...commonErrors },
      },
    },
    async (request, reply) => {
      await members.revokeInvitation(request.authedCtx, request.params.orgId, request.params.invitationId);
      return reply.code(204).send(null);
    },
  );
};

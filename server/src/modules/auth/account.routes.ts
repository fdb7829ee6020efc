import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { commonErrors, ErrorResponse } from '../../lib/schemas.js';
import type { AccountService } from './account.service.js';
import type { MfaService } from './mfa.service.js';
import { ChangePasswordBody, MfaDisableBody, MfaEnableBody, MfaSetup, RecoveryCodes, UpdateProfileBody } from './auth.schemas.js';

const tags = ['auth'];
const conflict = { 409: Type.Ref(ErrorResponse) };

/** A signed-in person's own account: profile, password and two-factor sign-in. */
export const accountRoutes: FastifyPluginAsyncTypebox<{ account: AccountService; mfa: MfaService }> = async (app, { account, mfa }) => {
  app.patch(
    '/api/auth/me',
    {
      config: { access: 'authenticated' },
      schema: {
        operationId: 'updateProfile',
        tags,
        summary: 'Change your name or your time zone preference',
        body: UpdateProfileBody,
        response: { 204: Type.Null({ description: 'Saved' }), ...commonErrors },
      },
    },
    async (request, reply) => {
      await account.updateProfile(request.personCtx, request.body);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/auth/password',
    {
      config: { access: 'authenticated' },
      schema: {
        operationId: 'changePassword',
        tags,
        summary: 'Change your password (proven by the current one); every other session of yours ends, this one stays',
        body: ChangePasswordBody,
        response: {
          200: Type.Object({ otherSessionsEnded: Type.Integer({ description: 'How many other sessions were signed out' }) }),
          ...commonErrors,
        },
      },
    },
    async (request) => account.changePassword(request.personCtx, request.claims!.sid, request.body),
  );

  app.post(
    '/api/auth/mfa/setup',
    {
      config: { access: 'authenticated' },
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
      schema: {
        operationId: 'setUpMfa',
        tags,
        summary: 'Start turning on two-factor sign-in: a new secret for an authenticator app (confirm it with mfa/enable)',
        body: Type.Object({}, { additionalProperties: false }),
        response: { 200: MfaSetup, ...commonErrors, ...conflict },
      },
    },
    async (request) => mfa.setup(request.personCtx),
  );

  app.post(
    '/api/auth/mfa/enable',
    {
      config: { access: 'authenticated' },
      schema: {
        operationId: 'enableMfa',
        tags,
        summary: 'Turn on two-factor sign-in with a first code from the app; answers single-use recovery codes, shown once',
        body: MfaEnableBody,
        response: { 200: RecoveryCodes, ...commonErrors, ...conflict },
      },
    },
    async (request) => mfa.enable(request.personCtx, request.body.code),
  );

  app.post(
    '/api/auth/mfa/disable',
    {
      config: { access: 'authenticated' },
      schema: {
        operationId: 'disableMfa',
        tags,
        summary: 'Turn off two-factor sign-in, proven by a current code or a recovery code',
        body: MfaDisableBody,
        response: { 204: Type.Null({ description: 'Turned off' }), ...commonErrors, ...conflict },
      },
    },
    async (request, reply) => {
      await mfa.disable(request.personCtx, request.body);
      return reply.code(204).send(null);
    },
  );
};

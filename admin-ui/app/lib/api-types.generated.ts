/**
 * GENERATED from the API's OpenAPI document (the TypeBox schemas in server/src/modules/<domain>/<domain>.schemas.ts): do not edit.
 * Regenerate with `npm run generate:api-types`; `npm run lint` fails when this file is out of date.
 */
export interface paths {
  '/healthz': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Liveness: the process answers */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              status: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/readyz': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Readiness: the database answers */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              status: string;
            };
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              status: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Sign in with email and password; with two-factor sign-in on, the answer asks for a code (POST /api/auth/login/mfa) */
    post: operations['login'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/login/mfa': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Complete a sign-in with a two-factor code or a recovery code (each recovery code works once) */
    post: operations['loginMfa'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/refresh': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Exchange a refresh token (cookie or body) for new tokens; each refresh token works once */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            refreshToken?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              user: {
                /** Format: uuid */
                id: string;
                email: string;
                name: string;
                platformRole: 'platform_owner' | null;
                /** @description The time zone the person chose for showing times; null follows their browser */
                timezone: string | null;
                /** @description Whether two-factor sign-in (TOTP) is on for this account */
                mfaEnabled: boolean;
                /** @description Two-factor sign-in is required for this account (PLATFORM_OWNER_MFA=required) and not on yet: platform powers wait for it */
                mfaRequired: boolean;
              };
              memberships: {
                /** Format: uuid */
                organizationId: string;
                organizationSlug: string;
                organizationName: string;
                role: 'viewer' | 'admin' | 'super_admin';
              }[];
              accessToken: string;
              /** @description Seconds until the access token expires */
              expiresIn: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/logout': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Sign out: revokes the session and clears the cookies */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            refreshToken?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The signed-in user and their organizations */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              user: {
                /** Format: uuid */
                id: string;
                email: string;
                name: string;
                platformRole: 'platform_owner' | null;
                /** @description The time zone the person chose for showing times; null follows their browser */
                timezone: string | null;
                /** @description Whether two-factor sign-in (TOTP) is on for this account */
                mfaEnabled: boolean;
                /** @description Two-factor sign-in is required for this account (PLATFORM_OWNER_MFA=required) and not on yet: platform powers wait for it */
                mfaRequired: boolean;
              };
              memberships: {
                /** Format: uuid */
                organizationId: string;
                organizationSlug: string;
                organizationName: string;
                role: 'viewer' | 'admin' | 'super_admin';
              }[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /** Change your name or your time zone preference */
    patch: operations['updateProfile'];
    trace?: never;
  };
  '/api/auth/accept-invitation': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Set a password with the invitation token from POST /members, and sign in */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            token: string;
            /** @description The new password: at least 12 characters */
            password: string;
            name?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json':
              | {
                  user: {
                    /** Format: uuid */
                    id: string;
                    email: string;
                    name: string;
                    platformRole: 'platform_owner' | null;
                    /** @description The time zone the person chose for showing times; null follows their browser */
                    timezone: string | null;
                    /** @description Whether two-factor sign-in (TOTP) is on for this account */
                    mfaEnabled: boolean;
                    /** @description Two-factor sign-in is required for this account (PLATFORM_OWNER_MFA=required) and not on yet: platform powers wait for it */
                    mfaRequired: boolean;
                  };
                  memberships: {
                    /** Format: uuid */
                    organizationId: string;
                    organizationSlug: string;
                    organizationName: string;
                    role: 'viewer' | 'admin' | 'super_admin';
                  }[];
                  accessToken: string;
                  /** @description Seconds until the access token expires */
                  expiresIn: number;
                }
              | {
                  /**
                   * @description The password was right; a two-factor code completes the sign-in
                   * @enum {boolean}
                   */
                  mfaRequired: true;
                  /** @description Send with the code to POST /api/auth/login/mfa; good for a few minutes */
                  mfaToken: string;
                  /** @description Seconds until mfaToken expires */
                  expiresIn: number;
                };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/invitations/preview': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** What an invitation link is for (organization, email, role), shown on the accept page before accepting */
    post: operations['previewInvitation'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/invitations/accept': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Accept an invitation to your own email while signed in (no password needed) */
    post: operations['acceptInvitationSignedIn'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/password': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Change your password (proven by the current one); every other session of yours ends, this one stays */
    post: operations['changePassword'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/mfa/setup': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Start turning on two-factor sign-in: a new secret for an authenticator app (confirm it with mfa/enable) */
    post: operations['setUpMfa'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/mfa/enable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Turn on two-factor sign-in with a first code from the app; answers single-use recovery codes, shown once */
    post: operations['enableMfa'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/mfa/disable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Turn off two-factor sign-in, proven by a current code or a recovery code */
    post: operations['disableMfa'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Organizations the caller belongs to (Platform Owner: all) */
    get: {
      parameters: {
        query?: {
          limit?: number;
          cursor?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                /** Format: uuid */
                id: string;
                slug: string;
                name: string;
                status: 'active' | 'suspended';
                role: ('viewer' | 'admin' | 'super_admin') | null;
                /** Format: date-time */
                createdAt: string;
                /** @description IANA time zone new schedules and the admin UI default to */
                defaultTimezone: string;
                retention: {
                  /** @description Days run log lines are kept before the daily pruning deletes them (1–3650) */
                  logsDays: number;
                  /** @description Days finished runs (with their logs) are kept before the daily pruning deletes them (1–3650) */
                  runsDays: number;
                  /** @description Days records deleted at the source are kept before the daily pruning deletes them (1–3650) */
                  deletedRecordsDays: number;
                  /** @description Days outbound webhook deliveries are kept before the daily pruning deletes them (1–3650) */
                  webhookDeliveriesDays: number;
                };
              }[];
              nextCursor: string | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    /** Create an organization and its first Super Admin (Platform Owner) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            name: string;
            /** @description Lowercase letters, digits and dashes; 2–63 characters; starts with a letter or digit */
            slug: string;
            /** Format: email */
            superAdminEmail: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: uuid */
              id: string;
              slug: string;
              name: string;
              status: 'active' | 'suspended';
              role: ('viewer' | 'admin' | 'super_admin') | null;
              /** Format: date-time */
              createdAt: string;
              /** @description IANA time zone new schedules and the admin UI default to */
              defaultTimezone: string;
              retention: {
                /** @description Days run log lines are kept before the daily pruning deletes them (1–3650) */
                logsDays: number;
                /** @description Days finished runs (with their logs) are kept before the daily pruning deletes them (1–3650) */
                runsDays: number;
                /** @description Days records deleted at the source are kept before the daily pruning deletes them (1–3650) */
                deletedRecordsDays: number;
                /** @description Days outbound webhook deliveries are kept before the daily pruning deletes them (1–3650) */
                webhookDeliveriesDays: number;
              };
            } & {
              superAdmin: {
                email: string;
                invitation: {
                  /** Format: uuid */
                  id: string;
                  /** @description One-time invitation token; shown only in this response. The person POSTs it to /api/auth/accept-invitation (with a new password, or their current one if they already have an account). */
                  token: string;
                  /** @description The invitation link to send the person ($PUBLIC_URL/invite/<token>): it opens the accept page */
                  url: string;
                  /** Format: date-time */
                  expiresAt: string;
                };
              };
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One organization */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: uuid */
              id: string;
              slug: string;
              name: string;
              status: 'active' | 'suspended';
              role: ('viewer' | 'admin' | 'super_admin') | null;
              /** Format: date-time */
              createdAt: string;
              /** @description IANA time zone new schedules and the admin UI default to */
              defaultTimezone: string;
              retention: {
                /** @description Days run log lines are kept before the daily pruning deletes them (1–3650) */
                logsDays: number;
                /** @description Days finished runs (with their logs) are kept before the daily pruning deletes them (1–3650) */
                runsDays: number;
                /** @description Days records deleted at the source are kept before the daily pruning deletes them (1–3650) */
                deletedRecordsDays: number;
                /** @description Days outbound webhook deliveries are kept before the daily pruning deletes them (1–3650) */
                webhookDeliveriesDays: number;
              };
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    /** Delete an organization and all its data (Platform Owner); its data key is destroyed first, so no copy of its secrets stays readable. The body's confirm is the organization's slug. */
    delete: operations['deleteOrganization'];
    options?: never;
    head?: never;
    /** Rename (Super Admin, Platform Owner), change the default time zone and data retention (Super Admin), or suspend/reactivate (Platform Owner) */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            name?: string;
            status?: 'active' | 'suspended';
            /** @description IANA time zone, e.g. Europe/Berlin or UTC (Super Admin) */
            defaultTimezone?: string;
            retention?: {
              /** @description Days run log lines are kept before the daily pruning deletes them (1–3650) */
              logsDays?: number;
              /** @description Days finished runs (with their logs) are kept before the daily pruning deletes them (1–3650) */
              runsDays?: number;
              /** @description Days records deleted at the source are kept before the daily pruning deletes them (1–3650) */
              deletedRecordsDays?: number;
              /** @description Days outbound webhook deliveries are kept before the daily pruning deletes them (1–3650) */
              webhookDeliveriesDays?: number;
            };
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: uuid */
              id: string;
              slug: string;
              name: string;
              status: 'active' | 'suspended';
              role: ('viewer' | 'admin' | 'super_admin') | null;
              /** Format: date-time */
              createdAt: string;
              /** @description IANA time zone new schedules and the admin UI default to */
              defaultTimezone: string;
              retention: {
                /** @description Days run log lines are kept before the daily pruning deletes them (1–3650) */
                logsDays: number;
                /** @description Days finished runs (with their logs) are kept before the daily pruning deletes them (1–3650) */
                runsDays: number;
                /** @description Days records deleted at the source are kept before the daily pruning deletes them (1–3650) */
                deletedRecordsDays: number;
                /** @description Days outbound webhook deliveries are kept before the daily pruning deletes them (1–3650) */
                webhookDeliveriesDays: number;
              };
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    trace?: never;
  };
  '/api/orgs/{orgId}/members': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Members and their roles */
    get: {
      parameters: {
        query?: {
          limit?: number;
          cursor?: string;
        };
        header?: never;
        path: {
          orgId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                /** Format: uuid */
                userId: string;
                email: string;
                name: string;
                role: 'viewer' | 'admin' | 'super_admin';
                /** Format: date-time */
                joinedAt: string;
                status: 'active' | 'invited' | 'disabled';
              }[];
              nextCursor: string | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    /** Invite a person (Super Admin): they become a member when they accept the one-time invitation token, whether or not they already have an account */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** Format: email */
            email: string;
            name?: string;
            role: 'viewer' | 'admin' | 'super_admin';
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              email: string;
              role: 'viewer' | 'admin' | 'super_admin';
              /** @enum {string} */
              status: 'invited';
              invitation: {
                /** Format: uuid */
                id: string;
                /** @description One-time invitation token; shown only in this response. The person POSTs it to /api/auth/accept-invitation (with a new password, or their current one if they already have an account). */
                token: string;
                /** @description The invitation link to send the person ($PUBLIC_URL/invite/<token>): it opens the accept page */
                url: string;
                /** Format: date-time */
                expiresAt: string;
              };
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/members/{userId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Remove a member (Super Admin); the last Super Admin cannot be removed */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          userId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    /** Change a member's role (Super Admin); the last Super Admin cannot be demoted */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          userId: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            role: 'viewer' | 'admin' | 'super_admin';
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: uuid */
              userId: string;
              email: string;
              name: string;
              role: 'viewer' | 'admin' | 'super_admin';
              /** Format: date-time */
              joinedAt: string;
              status: 'active' | 'invited' | 'disabled';
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    trace?: never;
  };
  '/api/orgs/{orgId}/invitations': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Pending invitations, newest first (Super Admin) */
    get: {
      parameters: {
        query?: {
          limit?: number;
          cursor?: string;
        };
        header?: never;
        path: {
          orgId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                /** Format: uuid */
                id: string;
                email: string;
                role: 'viewer' | 'admin' | 'super_admin';
                /** Format: date-time */
                createdAt: string;
                /** Format: date-time */
                expiresAt: string;
                /** @description Past its expiry: invite the person again for a new token */
                expired: boolean;
              }[];
              nextCursor: string | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/invitations/{invitationId}/resend': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** A new invitation link for a pending invitation, valid for 7 days; the old link stops working (Super Admin) */
    post: operations['resendInvitation'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/invitations/{invitationId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Revoke a pending invitation: its token stops working (Super Admin) */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          invitationId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The organization's audit trail, newest first (Admin and above) */
    get: {
      parameters: {
        query?: {
          action?:
            | 'api_key.created'
            | 'api_key.revoked'
            | 'auth.login'
            | 'auth.refresh_token_reused'
            | 'auth.profile_updated'
            | 'auth.password_changed'
            | 'auth.mfa_enabled'
            | 'auth.mfa_disabled'
            | 'auth.mfa_failed'
            | 'encryption.data_key_rewrapped'
            | 'integration.created'
            | 'integration.updated'
            | 'integration.deleted'
            | 'integration.imported'
            | 'integration.connect_started'
            | 'integration.connected'
            | 'integration.connect_failed'
            | 'integration.disconnected'
            | 'integration.tested'
            | 'integration.paused'
            | 'integration.resumed'
            | 'integration.sync_requested'
            | 'integration.token_refresh_failed'
            | 'integration.token_refresh_recovered'
            | 'integration.webhook_registered'
            | 'member.invited'
            | 'member.joined'
            | 'member.invitation_revoked'
            | 'member.invitation_resent'
            | 'member.added'
            | 'member.role_changed'
            | 'member.removed'
            | 'organization.created'
            | 'organization.renamed'
            | 'organization.suspended'
            | 'organization.reactivated'
            | 'organization.settings_changed'
            | 'organization.deleted'
            | 'organization.data_pruned'
            | 'organization.exported'
            | 'organization.sync_all_requested'
            | 'platform_owner.created'
            | 'platform_owner.promoted'
            | 'run.cancel_requested'
            | 'run.retry_requested'
            | 'sync.created'
            | 'sync.updated'
            | 'sync.deleted'
            | 'sync.run_requested'
            | 'sync.push_requested'
            | 'conflict.resolved'
            | 'webhook_endpoint.created'
            | 'webhook_endpoint.updated'
            | 'webhook_endpoint.deleted'
            | 'webhook_endpoint.secret_rotated'
            | 'webhook_endpoint.disabled';
          actorId?: string;
          from?: string;
          to?: string;
          limit?: number;
          cursor?: string;
        };
        header?: never;
        path: {
          orgId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                /** Format: uuid */
                id: string;
                organizationId: string | null;
                /** Format: date-time */
                at: string;
                /** @description Who acted */
                actor:
                  | {
                      /**
                       * @description A person
                       * @enum {string}
                       */
                      type: 'user';
                      /**
                       * Format: uuid
                       * @description The person's user id
                       */
                      id: string;
                      /** @description The person's email when they acted */
                      email: string;
                    }
                  | {
                      /**
                       * @description An organization's API key
                       * @enum {string}
                       */
                      type: 'api_key';
                      /**
                       * Format: uuid
                       * @description The key's id
                       */
                      id: string;
                      /** @description The key's name */
                      name: string;
                    }
                  | {
                      /**
                       * @description Linkyard itself: an operator script or a background job
                       * @enum {string}
                       */
                      type: 'system';
                    };
                /** @enum {string} */
                action:
                  | 'api_key.created'
                  | 'api_key.revoked'
                  | 'auth.login'
                  | 'auth.refresh_token_reused'
                  | 'auth.profile_updated'
                  | 'auth.password_changed'
                  | 'auth.mfa_enabled'
                  | 'auth.mfa_disabled'
                  | 'auth.mfa_failed'
                  | 'encryption.data_key_rewrapped'
                  | 'integration.created'
                  | 'integration.updated'
                  | 'integration.deleted'
                  | 'integration.imported'
                  | 'integration.connect_started'
                  | 'integration.connected'
                  | 'integration.connect_failed'
                  | 'integration.disconnected'
                  | 'integration.tested'
                  | 'integration.paused'
                  | 'integration.resumed'
                  | 'integration.sync_requested'
                  | 'integration.token_refresh_failed'
                  | 'integration.token_refresh_recovered'
                  | 'integration.webhook_registered'
                  | 'member.invited'
                  | 'member.joined'
                  | 'member.invitation_revoked'
                  | 'member.invitation_resent'
                  | 'member.added'
                  | 'member.role_changed'
                  | 'member.removed'
                  | 'organization.created'
                  | 'organization.renamed'
                  | 'organization.suspended'
                  | 'organization.reactivated'
                  | 'organization.settings_changed'
                  | 'organization.deleted'
                  | 'organization.data_pruned'
                  | 'organization.exported'
                  | 'organization.sync_all_requested'
                  | 'platform_owner.created'
                  | 'platform_owner.promoted'
                  | 'run.cancel_requested'
                  | 'run.retry_requested'
                  | 'sync.created'
                  | 'sync.updated'
                  | 'sync.deleted'
                  | 'sync.run_requested'
                  | 'sync.push_requested'
                  | 'conflict.resolved'
                  | 'webhook_endpoint.created'
                  | 'webhook_endpoint.updated'
                  | 'webhook_endpoint.deleted'
                  | 'webhook_endpoint.secret_rotated'
                  | 'webhook_endpoint.disabled';
                target: {
                  /** @description What was acted on: integration, sync, run, conflict, user, api_key, webhook_endpoint, organization, invitation */
                  type: string;
                  id: string | null;
                  /** @description What the target is called today (an integration's or API key's name, a sync's resource, a person's email, a webhook URL without its query); null once deleted */
                  name: string | null;
                  /** @description The integration a sync, run or conflict belongs to; null for other targets */
                  integration: {
                    /** Format: uuid */
                    id: string;
                    name: string;
                  } | null;
                };
                metadata: {
                  [key: string]: unknown;
                };
                ip: string | null;
              }[];
              nextCursor: string | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/platform/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Audit trail across every organization and the platform (Platform Owner) */
    get: {
      parameters: {
        query?: {
          action?:
            | 'api_key.created'
            | 'api_key.revoked'
            | 'auth.login'
            | 'auth.refresh_token_reused'
            | 'auth.profile_updated'
            | 'auth.password_changed'
            | 'auth.mfa_enabled'
            | 'auth.mfa_disabled'
            | 'auth.mfa_failed'
            | 'encryption.data_key_rewrapped'
            | 'integration.created'
            | 'integration.updated'
            | 'integration.deleted'
            | 'integration.imported'
            | 'integration.connect_started'
            | 'integration.connected'
            | 'integration.connect_failed'
            | 'integration.disconnected'
            | 'integration.tested'
            | 'integration.paused'
            | 'integration.resumed'
            | 'integration.sync_requested'
            | 'integration.token_refresh_failed'
            | 'integration.token_refresh_recovered'
            | 'integration.webhook_registered'
            | 'member.invited'
            | 'member.joined'
            | 'member.invitation_revoked'
            | 'member.invitation_resent'
            | 'member.added'
            | 'member.role_changed'
            | 'member.removed'
            | 'organization.created'
            | 'organization.renamed'
            | 'organization.suspended'
            | 'organization.reactivated'
            | 'organization.settings_changed'
            | 'organization.deleted'
            | 'organization.data_pruned'
            | 'organization.exported'
            | 'organization.sync_all_requested'
            | 'platform_owner.created'
            | 'platform_owner.promoted'
            | 'run.cancel_requested'
            | 'run.retry_requested'
            | 'sync.created'
            | 'sync.updated'
            | 'sync.deleted'
            | 'sync.run_requested'
            | 'sync.push_requested'
            | 'conflict.resolved'
            | 'webhook_endpoint.created'
            | 'webhook_endpoint.updated'
            | 'webhook_endpoint.deleted'
            | 'webhook_endpoint.secret_rotated'
            | 'webhook_endpoint.disabled';
          actorId?: string;
          from?: string;
          to?: string;
          limit?: number;
          cursor?: string;
          orgId?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                /** Format: uuid */
                id: string;
                organizationId: string | null;
                /** Format: date-time */
                at: string;
                /** @description Who acted */
                actor:
                  | {
                      /**
                       * @description A person
                       * @enum {string}
                       */
                      type: 'user';
                      /**
                       * Format: uuid
                       * @description The person's user id
                       */
                      id: string;
                      /** @description The person's email when they acted */
                      email: string;
                    }
                  | {
                      /**
                       * @description An organization's API key
                       * @enum {string}
                       */
                      type: 'api_key';
                      /**
                       * Format: uuid
                       * @description The key's id
                       */
                      id: string;
                      /** @description The key's name */
                      name: string;
                    }
                  | {
                      /**
                       * @description Linkyard itself: an operator script or a background job
                       * @enum {string}
                       */
                      type: 'system';
                    };
                /** @enum {string} */
                action:
                  | 'api_key.created'
                  | 'api_key.revoked'
                  | 'auth.login'
                  | 'auth.refresh_token_reused'
                  | 'auth.profile_updated'
                  | 'auth.password_changed'
                  | 'auth.mfa_enabled'
                  | 'auth.mfa_disabled'
                  | 'auth.mfa_failed'
                  | 'encryption.data_key_rewrapped'
                  | 'integration.created'
                  | 'integration.updated'
                  | 'integration.deleted'
                  | 'integration.imported'
                  | 'integration.connect_started'
                  | 'integration.connected'
                  | 'integration.connect_failed'
                  | 'integration.disconnected'
                  | 'integration.tested'
                  | 'integration.paused'
                  | 'integration.resumed'
                  | 'integration.sync_requested'
                  | 'integration.token_refresh_failed'
                  | 'integration.token_refresh_recovered'
                  | 'integration.webhook_registered'
                  | 'member.invited'
                  | 'member.joined'
                  | 'member.invitation_revoked'
                  | 'member.invitation_resent'
                  | 'member.added'
                  | 'member.role_changed'
                  | 'member.removed'
                  | 'organization.created'
                  | 'organization.renamed'
                  | 'organization.suspended'
                  | 'organization.reactivated'
                  | 'organization.settings_changed'
                  | 'organization.deleted'
                  | 'organization.data_pruned'
                  | 'organization.exported'
                  | 'organization.sync_all_requested'
                  | 'platform_owner.created'
                  | 'platform_owner.promoted'
                  | 'run.cancel_requested'
                  | 'run.retry_requested'
                  | 'sync.created'
                  | 'sync.updated'
                  | 'sync.deleted'
                  | 'sync.run_requested'
                  | 'sync.push_requested'
                  | 'conflict.resolved'
                  | 'webhook_endpoint.created'
                  | 'webhook_endpoint.updated'
                  | 'webhook_endpoint.deleted'
                  | 'webhook_endpoint.secret_rotated'
                  | 'webhook_endpoint.disabled';
                target: {
                  /** @description What was acted on: integration, sync, run, conflict, user, api_key, webhook_endpoint, organization, invitation */
                  type: string;
                  id: string | null;
                  /** @description What the target is called today (an integration's or API key's name, a sync's resource, a person's email, a webhook URL without its query); null once deleted */
                  name: string | null;
                  /** @description The integration a sync, run or conflict belongs to; null for other targets */
                  integration: {
                    /** Format: uuid */
                    id: string;
                    name: string;
                  } | null;
                };
                metadata: {
                  [key: string]: unknown;
                };
                ip: string | null;
              }[];
              nextCursor: string | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/platform/audit/verify': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Recompute every hash chain and report the first broken link (Platform Owner) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              ok: boolean;
              checked: number;
              firstBrokenEventId: string | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/api-keys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The organization's API keys, newest first, revoked and expired ones included (Super Admin); never their secrets */
    get: operations['listApiKeys'];
    put?: never;
    /** Create an API key with a role and an optional expiry (Super Admin); the secret is in this response only */
    post: operations['createApiKey'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/api-keys/{keyId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Revoke an API key (Super Admin): it stops working at once on every API instance; revoking twice changes nothing */
    delete: operations['revokeApiKey'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/platform/tenants': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every organization with its health (Platform Owner) */
    get: {
      parameters: {
        query?: {
          limit?: number;
          cursor?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                organization: {
                  /** Format: uuid */
                  id: string;
                  slug: string;
                  name: string;
                  status: 'active' | 'suspended';
                  /** Format: date-time */
                  createdAt: string;
                };
                members: number;
                integrations: number;
                integrationsByStatus: {
                  INACTIVE: number;
                  ACTIVE: number;
                  ERROR: number;
                  SYNCING: number;
                  PAUSED: number;
                };
                /** @description Sync runs created in the last 24 hours */
                runs24h: number;
                /** @description Of those, the ones that failed */
                failedRuns24h: number;
                lastActivityAt: string | null;
              }[];
              nextCursor: string | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/providers': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every provider Linkyard can connect to */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                key: string;
                name: string;
                category: string;
                authType: 'oauth2' | 'api_key' | 'basic';
                defaultScopes: string[];
                pkce: boolean;
                settings: {
                  key: string;
                  label: string;
                  required: boolean;
                  default?: string;
                  pattern?: string;
                  description?: string;
                  example?: string;
                }[];
                overrideSettings: string[];
                resources: {
                  key: string;
                  name: string;
                  incremental: boolean;
                  /** @description Whether the resource has write endpoints (a sync of it may push or be bidirectional) */
                  writable: boolean;
                  selective: {
                    /** @description Whether the provider can select fields (else `fields` is refused) */
                    fields: boolean;
                    /** @description The resource's usual fields, as suggestions */
                    knownFields: string[];
                    /** @description Which filters the provider applies itself (the rest are applied by Linkyard) */
                    providerFilters: string;
                  };
                }[];
              }[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/providers/{key}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One provider, with its setup help (404 for a key that is not in the catalog) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The provider key, e.g. `hubspot` */
          key: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              key: string;
              name: string;
              category: string;
              authType: 'oauth2' | 'api_key' | 'basic';
              defaultScopes: string[];
              pkce: boolean;
              settings: {
                key: string;
                label: string;
                required: boolean;
                default?: string;
                pattern?: string;
                description?: string;
                example?: string;
              }[];
              overrideSettings: string[];
              resources: {
                key: string;
                name: string;
                incremental: boolean;
                /** @description Whether the resource has write endpoints (a sync of it may push or be bidirectional) */
                writable: boolean;
                selective: {
                  /** @description Whether the provider can select fields (else `fields` is refused) */
                  fields: boolean;
                  /** @description The resource's usual fields, as suggestions */
                  knownFields: string[];
                  /** @description Which filters the provider applies itself (the rest are applied by Linkyard) */
                  providerFilters: string;
                };
              }[];
              /** @description Where to make the OAuth app (or API key, or app password) in the provider's console and find the client id and secret; the callback URL to register is PUBLIC_URL/api/oauth/callback */
              setup: {
                console: {
                  name: string;
                  url: string;
                };
                /** @description What to do in the provider's console, in order */
                steps: string[];
                /** @description About scopes or permissions, beyond the default scopes */
                scopes?: string;
              } | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/integrations': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Integrations of the organization (filters: provider, status, q) */
    get: {
      parameters: {
        query?: {
          /** @description A provider key from GET /api/providers */
          provider?: string;
          status?: 'INACTIVE' | 'ACTIVE' | 'ERROR' | 'SYNCING' | 'PAUSED';
          q?: string;
          limit?: number;
          cursor?: string;
        };
        header?: never;
        path: {
          orgId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                /** Format: uuid */
                id: string;
                /** Format: uuid */
                organizationId: string;
                provider: string;
                name: string;
                status: 'INACTIVE' | 'ACTIVE' | 'ERROR' | 'SYNCING' | 'PAUSED';
                authType: 'oauth2' | 'api_key' | 'basic';
                clientId: string | null;
                hasClientSecret: boolean;
                hasApiKey: boolean;
                hasPassword: boolean;
                username: string | null;
                secretHint: string | null;
                /** @description Whether a webhook secret is set (inbound webhooks are verified with it); the secret itself is never returned */
                hasWebhookSecret: boolean;
                connected: boolean;
                scopes: string[];
                settings: {
                  [key: string]: unknown;
                };
                errorCount: number;
                lastError: string | null;
                /** @description The kind of lastError: auth means reconnecting can help; any other kind is retried (null when unclassified) */
                lastErrorKind: ('auth' | 'network' | 'provider' | 'rate_limit' | 'mapping') | null;
                lastSyncAt: string | null;
                nextSyncAt: string | null;
                /** Format: date-time */
                createdAt: string;
                /** Format: date-time */
                updatedAt: string;
              }[];
              nextCursor: string | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    /** Create an integration with its own credentials (status INACTIVE until connected or tested) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description A provider key from GET /api/providers */
            provider: string;
            name: string;
            clientId?: string;
            clientSecret?: string;
            apiKey?: string;
            username?: string;
            password?: string;
            /** @description The secret the provider signs its webhooks with (signing secret, client secret, verifier or channel token): write-only, never returned */
            webhookSecret?: string;
            scopes?: string[];
            settings?: {
              [key: string]: string;
            };
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: uuid */
              id: string;
              /** Format: uuid */
              organizationId: string;
              provider: string;
              name: string;
              status: 'INACTIVE' | 'ACTIVE' | 'ERROR' | 'SYNCING' | 'PAUSED';
              authType: 'oauth2' | 'api_key' | 'basic';
              clientId: string | null;
              hasClientSecret: boolean;
              hasApiKey: boolean;
              hasPassword: boolean;
              username: string | null;
              secretHint: string | null;
              /** @description Whether a webhook secret is set (inbound webhooks are verified with it); the secret itself is never returned */
              hasWebhookSecret: boolean;
              connected: boolean;
              scopes: string[];
              settings: {
                [key: string]: unknown;
              };
              errorCount: number;
              lastError: string | null;
              /** @description The kind of lastError: auth means reconnecting can help; any other kind is retried (null when unclassified) */
              lastErrorKind: ('auth' | 'network' | 'provider' | 'rate_limit' | 'mapping') | null;
              lastSyncAt: string | null;
              nextSyncAt: string | null;
              /** Format: date-time */
              createdAt: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/integrations/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One integration (secrets are never returned) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: uuid */
              id: string;
              /** Format: uuid */
              organizationId: string;
              provider: string;
              name: string;
              status: 'INACTIVE' | 'ACTIVE' | 'ERROR' | 'SYNCING' | 'PAUSED';
              authType: 'oauth2' | 'api_key' | 'basic';
              clientId: string | null;
              hasClientSecret: boolean;
              hasApiKey: boolean;
              hasPassword: boolean;
              username: string | null;
              secretHint: string | null;
              /** @description Whether a webhook secret is set (inbound webhooks are verified with it); the secret itself is never returned */
              hasWebhookSecret: boolean;
              connected: boolean;
              scopes: string[];
              settings: {
                [key: string]: unknown;
              };
              errorCount: number;
              lastError: string | null;
              /** @description The kind of lastError: auth means reconnecting can help; any other kind is retried (null when unclassified) */
              lastErrorKind: ('auth' | 'network' | 'provider' | 'rate_limit' | 'mapping') | null;
              lastSyncAt: string | null;
              nextSyncAt: string | null;
              /** Format: date-time */
              createdAt: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    /** Delete an integration with its connection */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    /** Update name, credentials (write-only: a new secret replaces the old), scopes or settings */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            name?: string;
            clientId?: string;
            clientSecret?: string;
            apiKey?: string;
            username?: string;
            password?: string;
            /** @description The secret the provider signs its webhooks with (signing secret, client secret, verifier or channel token): write-only, never returned */
            webhookSecret?: string;
            scopes?: string[];
            settings?: {
              [key: string]: string;
            };
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: uuid */
              id: string;
              /** Format: uuid */
              organizationId: string;
              provider: string;
              name: string;
              status: 'INACTIVE' | 'ACTIVE' | 'ERROR' | 'SYNCING' | 'PAUSED';
              authType: 'oauth2' | 'api_key' | 'basic';
              clientId: string | null;
              hasClientSecret: boolean;
              hasApiKey: boolean;
              hasPassword: boolean;
              username: string | null;
              secretHint: string | null;
              /** @description Whether a webhook secret is set (inbound webhooks are verified with it); the secret itself is never returned */
              hasWebhookSecret: boolean;
              connected: boolean;
              scopes: string[];
              settings: {
                [key: string]: unknown;
              };
              errorCount: number;
              lastError: string | null;
              /** @description The kind of lastError: auth means reconnecting can help; any other kind is retried (null when unclassified) */
              lastErrorKind: ('auth' | 'network' | 'provider' | 'rate_limit' | 'mapping') | null;
              lastSyncAt: string | null;
              nextSyncAt: string | null;
              /** Format: date-time */
              createdAt: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    trace?: never;
  };
  '/api/orgs/{orgId}/integrations/{id}/pause': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Pause: schedules stop firing until resumed */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: uuid */
              id: string;
              /** Format: uuid */
              organizationId: string;
              provider: string;
              name: string;
              status: 'INACTIVE' | 'ACTIVE' | 'ERROR' | 'SYNCING' | 'PAUSED';
              authType: 'oauth2' | 'api_key' | 'basic';
              clientId: string | null;
              hasClientSecret: boolean;
              hasApiKey: boolean;
              hasPassword: boolean;
              username: string | null;
              secretHint: string | null;
              /** @description Whether a webhook secret is set (inbound webhooks are verified with it); the secret itself is never returned */
              hasWebhookSecret: boolean;
              connected: boolean;
              scopes: string[];
              settings: {
                [key: string]: unknown;
              };
              errorCount: number;
              lastError: string | null;
              /** @description The kind of lastError: auth means reconnecting can help; any other kind is retried (null when unclassified) */
              lastErrorKind: ('auth' | 'network' | 'provider' | 'rate_limit' | 'mapping') | null;
              lastSyncAt: string | null;
              nextSyncAt: string | null;
              /** Format: date-time */
              createdAt: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/integrations/{id}/resume': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Resume a paused integration */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: uuid */
              id: string;
              /** Format: uuid */
              organizationId: string;
              provider: string;
              name: string;
              status: 'INACTIVE' | 'ACTIVE' | 'ERROR' | 'SYNCING' | 'PAUSED';
              authType: 'oauth2' | 'api_key' | 'basic';
              clientId: string | null;
              hasClientSecret: boolean;
              hasApiKey: boolean;
              hasPassword: boolean;
              username: string | null;
              secretHint: string | null;
              /** @description Whether a webhook secret is set (inbound webhooks are verified with it); the secret itself is never returned */
              hasWebhookSecret: boolean;
              connected: boolean;
              scopes: string[];
              settings: {
                [key: string]: unknown;
              };
              errorCount: number;
              lastError: string | null;
              /** @description The kind of lastError: auth means reconnecting can help; any other kind is retried (null when unclassified) */
              lastErrorKind: ('auth' | 'network' | 'provider' | 'rate_limit' | 'mapping') | null;
              lastSyncAt: string | null;
              nextSyncAt: string | null;
              /** Format: date-time */
              createdAt: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/integrations/{id}/syncs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** An integration's syncs */
    get: {
      parameters: {
        query?: {
          limit?: number;
          cursor?: string;
        };
        header?: never;
        path: {
          orgId: string;
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                /** Format: uuid */
                id: string;
                /** Format: uuid */
                integrationId: string;
                resource: string;
                mode: 'full' | 'incremental';
                schedule: {
                  cron: string;
                  timezone: string;
                } | null;
                enabled: boolean;
                mappings: {
                  /** @description Path into the provider record, e.g. properties.email, emails[0].value, custom_fields["Account Id"]; empty only for constant and template */
                  source?: string;
                  /** @description The organization's field; dots create nested objects (address.city) */
                  target: string;
                  transform?:
                    | 'string'
                    | 'number'
                    | 'boolean'
                    | 'date'
                    | 'lowercase'
                    | 'uppercase'
                    | 'trim'
                    | 'split'
                    | 'join'
                    | 'default'
                    | 'constant'
                    | 'template'
                    | 'value_map';
                  args?: {
                    /** @description split (1+ characters) and join */
                    separator?: string;
                    /** @description constant and default */
                    value?: (string | number | boolean | null) | (string | number | boolean | null)[];
                    /** @description template, e.g. "{{firstName}} {{lastName}}" */
                    template?: string;
                    /** @description value_map: provider value → organization value */
                    map?: {
                      [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
                    };
                    /** @description value_map: used for values not in map */
                    fallback?: (string | number | boolean | null) | (string | number | boolean | null)[];
                    /** @description date: how the source is written (default iso) */
                    inputFormat?: 'iso' | 'unix_seconds' | 'unix_ms';
                  };
                  required?: boolean;
                  /** @description Written when the source is missing or null */
                  default?: (string | number | boolean | null) | (string | number | boolean | null)[];
                }[];
                /** @description pull: provider → Linkyard (default); push: Linkyard → provider; bidirectional: both, conflicts checked */
                direction: 'pull' | 'push' | 'bidirectional';
                outboundMappings: {
                  /** @description Path into the provider record, e.g. properties.email, emails[0].value, custom_fields["Account Id"]; empty only for constant and template */
                  source?: string;
                  /** @description The organization's field; dots create nested objects (address.city) */
                  target: string;
                  transform?:
                    | 'string'
                    | 'number'
                    | 'boolean'
                    | 'date'
                    | 'lowercase'
                    | 'uppercase'
                    | 'trim'
                    | 'split'
                    | 'join'
                    | 'default'
                    | 'constant'
                    | 'template'
                    | 'value_map';
                  args?: {
                    /** @description split (1+ characters) and join */
                    separator?: string;
                    /** @description constant and default */
                    value?: (string | number | boolean | null) | (string | number | boolean | null)[];
                    /** @description template, e.g. "{{firstName}} {{lastName}}" */
                    template?: string;
                    /** @description value_map: provider value → organization value */
                    map?: {
                      [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
                    };
                    /** @description value_map: used for values not in map */
                    fallback?: (string | number | boolean | null) | (string | number | boolean | null)[];
                    /** @description date: how the source is written (default iso) */
                    inputFormat?: 'iso' | 'unix_seconds' | 'unix_ms';
                  };
                  required?: boolean;
                  /** @description Written when the source is missing or null */
                  default?: (string | number | boolean | null) | (string | number | boolean | null)[];
                }[];
                /** @description What happens to a record changed on both sides (default manual: a conflict is opened, nothing written) */
                conflictResolution: 'manual' | 'latest' | 'source' | 'merge';
                /** @description Provider fields fetched (empty: whole records) */
                fields: string[];
                /** @description Records kept: all filters must match */
                filters: {
                  field: string;
                  op: string;
                  value?: unknown;
                }[];
                nextRunAt: string | null;
                lastRunAt: string | null;
                /** Format: date-time */
                createdAt: string;
                /** Format: date-time */
                updatedAt: string;
              }[];
              nextCursor: string | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    /** Create a sync of one resource: mode, cron schedule in a timezone (or manual), field mappings */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            resource: string;
            mode?: 'full' | 'incremental';
            schedule?: {
              /** @description 5 fields, or 6 with seconds first, e.g. "0 9 * * 1-5" */
              cron: string;
              /** @description IANA timezone, e.g. "Europe/Berlin" */
              timezone: string;
            } | null;
            enabled?: boolean;
            mappings?: {
              /** @description Path into the provider record, e.g. properties.email, emails[0].value, custom_fields["Account Id"]; empty only for constant and template */
              source?: string;
              /** @description The organization's field; dots create nested objects (address.city) */
              target: string;
              transform?:
                | 'string'
                | 'number'
                | 'boolean'
                | 'date'
                | 'lowercase'
                | 'uppercase'
                | 'trim'
                | 'split'
                | 'join'
                | 'default'
                | 'constant'
                | 'template'
                | 'value_map';
              args?: {
                /** @description split (1+ characters) and join */
                separator?: string;
                /** @description constant and default */
                value?: (string | number | boolean | null) | (string | number | boolean | null)[];
                /** @description template, e.g. "{{firstName}} {{lastName}}" */
                template?: string;
                /** @description value_map: provider value → organization value */
                map?: {
                  [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
                };
                /** @description value_map: used for values not in map */
                fallback?: (string | number | boolean | null) | (string | number | boolean | null)[];
                /** @description date: how the source is written (default iso) */
                inputFormat?: 'iso' | 'unix_seconds' | 'unix_ms';
              };
              required?: boolean;
              /** @description Written when the source is missing or null */
              default?: (string | number | boolean | null) | (string | number | boolean | null)[];
            }[];
            /** @description pull: provider → Linkyard (default); push: Linkyard → provider; bidirectional: both, conflicts checked */
            direction?: 'pull' | 'push' | 'bidirectional';
            outboundMappings?: {
              /** @description Path into the provider record, e.g. properties.email, emails[0].value, custom_fields["Account Id"]; empty only for constant and template */
              source?: string;
              /** @description The organization's field; dots create nested objects (address.city) */
              target: string;
              transform?:
                | 'string'
                | 'number'
                | 'boolean'
                | 'date'
                | 'lowercase'
                | 'uppercase'
                | 'trim'
                | 'split'
                | 'join'
                | 'default'
                | 'constant'
                | 'template'
                | 'value_map';
              args?: {
                /** @description split (1+ characters) and join */
                separator?: string;
                /** @description constant and default */
                value?: (string | number | boolean | null) | (string | number | boolean | null)[];
                /** @description template, e.g. "{{firstName}} {{lastName}}" */
                template?: string;
                /** @description value_map: provider value → organization value */
                map?: {
                  [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
                };
                /** @description value_map: used for values not in map */
                fallback?: (string | number | boolean | null) | (string | number | boolean | null)[];
                /** @description date: how the source is written (default iso) */
                inputFormat?: 'iso' | 'unix_seconds' | 'unix_ms';
              };
              required?: boolean;
              /** @description Written when the source is missing or null */
              default?: (string | number | boolean | null) | (string | number | boolean | null)[];
            }[];
            /** @description What happens to a record changed on both sides (default manual: a conflict is opened, nothing written) */
            conflictResolution?: 'manual' | 'latest' | 'source' | 'merge';
            /** @description Provider fields to fetch, where the provider can select fields (empty: whole records) */
            fields?: string[];
            filters?: {
              /** @description Provider field (dotted path into the record) */
              field: string;
              /** @description eq | neq | gt | gte | lt | lte | contains | in | exists */
              op: string;
              /** @description Scalar; a list of scalars for `in`; a boolean for `exists` (default true) */
              value?: unknown;
            }[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: uuid */
              id: string;
              /** Format: uuid */
              integrationId: string;
              resource: string;
              mode: 'full' | 'incremental';
              schedule: {
                cron: string;
                timezone: string;
              } | null;
              enabled: boolean;
              mappings: {
                /** @description Path into the provider record, e.g. properties.email, emails[0].value, custom_fields["Account Id"]; empty only for constant and template */
                source?: string;
                /** @description The organization's field; dots create nested objects (address.city) */
                target: string;
                transform?:
                  | 'string'
                  | 'number'
                  | 'boolean'
                  | 'date'
                  | 'lowercase'
                  | 'uppercase'
                  | 'trim'
                  | 'split'
                  | 'join'
                  | 'default'
                  | 'constant'
                  | 'template'
                  | 'value_map';
                args?: {
                  /** @description split (1+ characters) and join */
                  separator?: string;
                  /** @description constant and default */
                  value?: (string | number | boolean | null) | (string | number | boolean | null)[];
                  /** @description template, e.g. "{{firstName}} {{lastName}}" */
                  template?: string;
                  /** @description value_map: provider value → organization value */
                  map?: {
                    [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
                  };
                  /** @description value_map: used for values not in map */
                  fallback?: (string | number | boolean | null) | (string | number | boolean | null)[];
                  /** @description date: how the source is written (default iso) */
                  inputFormat?: 'iso' | 'unix_seconds' | 'unix_ms';
                };
                required?: boolean;
                /** @description Written when the source is missing or null */
                default?: (string | number | boolean | null) | (string | number | boolean | null)[];
              }[];
              /** @description pull: provider → Linkyard (default); push: Linkyard → provider; bidirectional: both, conflicts checked */
              direction: 'pull' | 'push' | 'bidirectional';
              outboundMappings: {
                /** @description Path into the provider record, e.g. properties.email, emails[0].value, custom_fields["Account Id"]; empty only for constant and template */
                source?: string;
                /** @description The organization's field; dots create nested objects (address.city) */
                target: string;
                transform?:
                  | 'string'
                  | 'number'
                  | 'boolean'
                  | 'date'
                  | 'lowercase'
                  | 'uppercase'
                  | 'trim'
                  | 'split'
                  | 'join'
                  | 'default'
                  | 'constant'
                  | 'template'
                  | 'value_map';
                args?: {
                  /** @description split (1+ characters) and join */
                  separator?: string;
                  /** @description constant and default */
                  value?: (string | number | boolean | null) | (string | number | boolean | null)[];
                  /** @description template, e.g. "{{firstName}} {{lastName}}" */
                  template?: string;
                  /** @description value_map: provider value → organization value */
                  map?: {
                    [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
                  };
                  /** @description value_map: used for values not in map */
                  fallback?: (string | number | boolean | null) | (string | number | boolean | null)[];
                  /** @description date: how the source is written (default iso) */
                  inputFormat?: 'iso' | 'unix_seconds' | 'unix_ms';
                };
                required?: boolean;
                /** @description Written when the source is missing or null */
                default?: (string | number | boolean | null) | (string | number | boolean | null)[];
              }[];
              /** @description What happens to a record changed on both sides (default manual: a conflict is opened, nothing written) */
              conflictResolution: 'manual' | 'latest' | 'source' | 'merge';
              /** @description Provider fields fetched (empty: whole records) */
              fields: string[];
              /** @description Records kept: all filters must match */
              filters: {
                field: string;
                op: string;
                value?: unknown;
              }[];
              nextRunAt: string | null;
              lastRunAt: string | null;
              /** Format: date-time */
              createdAt: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/syncs/{syncId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One sync with its mappings */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          syncId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: uuid */
              id: string;
              /** Format: uuid */
              integrationId: string;
              resource: string;
              mode: 'full' | 'incremental';
              schedule: {
                cron: string;
                timezone: string;
              } | null;
              enabled: boolean;
              mappings: {
                /** @description Path into the provider record, e.g. properties.email, emails[0].value, custom_fields["Account Id"]; empty only for constant and template */
                source?: string;
                /** @description The organization's field; dots create nested objects (address.city) */
                target: string;
                transform?:
                  | 'string'
                  | 'number'
                  | 'boolean'
                  | 'date'
                  | 'lowercase'
                  | 'uppercase'
                  | 'trim'
                  | 'split'
                  | 'join'
                  | 'default'
                  | 'constant'
                  | 'template'
                  | 'value_map';
                args?: {
                  /** @description split (1+ characters) and join */
                  separator?: string;
                  /** @description constant and default */
                  value?: (string | number | boolean | null) | (string | number | boolean | null)[];
                  /** @description template, e.g. "{{firstName}} {{lastName}}" */
                  template?: string;
                  /** @description value_map: provider value → organization value */
                  map?: {
                    [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
                  };
                  /** @description value_map: used for values not in map */
                  fallback?: (string | number | boolean | null) | (string | number | boolean | null)[];
                  /** @description date: how the source is written (default iso) */
                  inputFormat?: 'iso' | 'unix_seconds' | 'unix_ms';
                };
                required?: boolean;
                /** @description Written when the source is missing or null */
                default?: (string | number | boolean | null) | (string | number | boolean | null)[];
              }[];
              /** @description pull: provider → Linkyard (default); push: Linkyard → provider; bidirectional: both, conflicts checked */
              direction: 'pull' | 'push' | 'bidirectional';
              outboundMappings: {
                /** @description Path into the provider record, e.g. properties.email, emails[0].value, custom_fields["Account Id"]; empty only for constant and template */
                source?: string;
                /** @description The organization's field; dots create nested objects (address.city) */
                target: string;
                transform?:
                  | 'string'
                  | 'number'
                  | 'boolean'
                  | 'date'
                  | 'lowercase'
                  | 'uppercase'
                  | 'trim'
                  | 'split'
                  | 'join'
                  | 'default'
                  | 'constant'
                  | 'template'
                  | 'value_map';
                args?: {
                  /** @description split (1+ characters) and join */
                  separator?: string;
                  /** @description constant and default */
                  value?: (string | number | boolean | null) | (string | number | boolean | null)[];
                  /** @description template, e.g. "{{firstName}} {{lastName}}" */
                  template?: string;
                  /** @description value_map: provider value → organization value */
                  map?: {
                    [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
                  };
                  /** @description value_map: used for values not in map */
                  fallback?: (string | number | boolean | null) | (string | number | boolean | null)[];
                  /** @description date: how the source is written (default iso) */
                  inputFormat?: 'iso' | 'unix_seconds' | 'unix_ms';
                };
                required?: boolean;
                /** @description Written when the source is missing or null */
                default?: (string | number | boolean | null) | (string | number | boolean | null)[];
              }[];
              /** @description What happens to a record changed on both sides (default manual: a conflict is opened, nothing written) */
              conflictResolution: 'manual' | 'latest' | 'source' | 'merge';
              /** @description Provider fields fetched (empty: whole records) */
              fields: string[];
              /** @description Records kept: all filters must match */
              filters: {
                field: string;
                op: string;
                value?: unknown;
              }[];
              nextRunAt: string | null;
              lastRunAt: string | null;
              /** Format: date-time */
              createdAt: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    /** Delete a sync with its history */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          syncId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    /** Change mode, schedule (null: manual only), enabled, or replace the mappings */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          syncId: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            mode?: 'full' | 'incremental';
            schedule?: {
              /** @description 5 fields, or 6 with seconds first, e.g. "0 9 * * 1-5" */
              cron: string;
              /** @description IANA timezone, e.g. "Europe/Berlin" */
              timezone: string;
            } | null;
            enabled?: boolean;
            mappings?: {
              /** @description Path into the provider record, e.g. properties.email, emails[0].value, custom_fields["Account Id"]; empty only for constant and template */
              source?: string;
              /** @description The organization's field; dots create nested objects (address.city) */
              target: string;
              transform?:
                | 'string'
                | 'number'
                | 'boolean'
                | 'date'
                | 'lowercase'
                | 'uppercase'
                | 'trim'
                | 'split'
                | 'join'
                | 'default'
                | 'constant'
                | 'template'
                | 'value_map';
              args?: {
                /** @description split (1+ characters) and join */
                separator?: string;
                /** @description constant and default */
                value?: (string | number | boolean | null) | (string | number | boolean | null)[];
                /** @description template, e.g. "{{firstName}} {{lastName}}" */
                template?: string;
                /** @description value_map: provider value → organization value */
                map?: {
                  [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
                };
                /** @description value_map: used for values not in map */
                fallback?: (string | number | boolean | null) | (string | number | boolean | null)[];
                /** @description date: how the source is written (default iso) */
                inputFormat?: 'iso' | 'unix_seconds' | 'unix_ms';
              };
              required?: boolean;
              /** @description Written when the source is missing or null */
              default?: (string | number | boolean | null) | (string | number | boolean | null)[];
            }[];
            /** @description pull: provider → Linkyard (default); push: Linkyard → provider; bidirectional: both, conflicts checked */
            direction?: 'pull' | 'push' | 'bidirectional';
            outboundMappings?: {
              /** @description Path into the provider record, e.g. properties.email, emails[0].value, custom_fields["Account Id"]; empty only for constant and template */
              source?: string;
              /** @description The organization's field; dots create nested objects (address.city) */
              target: string;
              transform?:
                | 'string'
                | 'number'
                | 'boolean'
                | 'date'
                | 'lowercase'
                | 'uppercase'
                | 'trim'
                | 'split'
                | 'join'
                | 'default'
                | 'constant'
                | 'template'
                | 'value_map';
              args?: {
                /** @description split (1+ characters) and join */
                separator?: string;
                /** @description constant and default */
                value?: (string | number | boolean | null) | (string | number | boolean | null)[];
                /** @description template, e.g. "{{firstName}} {{lastName}}" */
                template?: string;
                /** @description value_map: provider value → organization value */
                map?: {
                  [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
                };
                /** @description value_map: used for values not in map */
                fallback?: (string | number | boolean | null) | (string | number | boolean | null)[];
                /** @description date: how the source is written (default iso) */
                inputFormat?: 'iso' | 'unix_seconds' | 'unix_ms';
              };
              required?: boolean;
              /** @description Written when the source is missing or null */
              default?: (string | number | boolean | null) | (string | number | boolean | null)[];
            }[];
            /** @description What happens to a record changed on both sides (default manual: a conflict is opened, nothing written) */
            conflictResolution?: 'manual' | 'latest' | 'source' | 'merge';
            /** @description Provider fields to fetch, where the provider can select fields (empty: whole records) */
            fields?: string[];
            filters?: {
              /** @description Provider field (dotted path into the record) */
              field: string;
              /** @description eq | neq | gt | gte | lt | lte | contains | in | exists */
              op: string;
              /** @description Scalar; a list of scalars for `in`; a boolean for `exists` (default true) */
              value?: unknown;
            }[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: uuid */
              id: string;
              /** Format: uuid */
              integrationId: string;
              resource: string;
              mode: 'full' | 'incremental';
              schedule: {
                cron: string;
                timezone: string;
              } | null;
              enabled: boolean;
              mappings: {
                /** @description Path into the provider record, e.g. properties.email, emails[0].value, custom_fields["Account Id"]; empty only for constant and template */
                source?: string;
                /** @description The organization's field; dots create nested objects (address.city) */
                target: string;
                transform?:
                  | 'string'
                  | 'number'
                  | 'boolean'
                  | 'date'
                  | 'lowercase'
                  | 'uppercase'
                  | 'trim'
                  | 'split'
                  | 'join'
                  | 'default'
                  | 'constant'
                  | 'template'
                  | 'value_map';
                args?: {
                  /** @description split (1+ characters) and join */
                  separator?: string;
                  /** @description constant and default */
                  value?: (string | number | boolean | null) | (string | number | boolean | null)[];
                  /** @description template, e.g. "{{firstName}} {{lastName}}" */
                  template?: string;
                  /** @description value_map: provider value → organization value */
                  map?: {
                    [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
                  };
                  /** @description value_map: used for values not in map */
                  fallback?: (string | number | boolean | null) | (string | number | boolean | null)[];
                  /** @description date: how the source is written (default iso) */
                  inputFormat?: 'iso' | 'unix_seconds' | 'unix_ms';
                };
                required?: boolean;
                /** @description Written when the source is missing or null */
                default?: (string | number | boolean | null) | (string | number | boolean | null)[];
              }[];
              /** @description pull: provider → Linkyard (default); push: Linkyard → provider; bidirectional: both, conflicts checked */
              direction: 'pull' | 'push' | 'bidirectional';
              outboundMappings: {
                /** @description Path into the provider record, e.g. properties.email, emails[0].value, custom_fields["Account Id"]; empty only for constant and template */
                source?: string;
                /** @description The organization's field; dots create nested objects (address.city) */
                target: string;
                transform?:
                  | 'string'
                  | 'number'
                  | 'boolean'
                  | 'date'
                  | 'lowercase'
                  | 'uppercase'
                  | 'trim'
                  | 'split'
                  | 'join'
                  | 'default'
                  | 'constant'
                  | 'template'
                  | 'value_map';
                args?: {
                  /** @description split (1+ characters) and join */
                  separator?: string;
                  /** @description constant and default */
                  value?: (string | number | boolean | null) | (string | number | boolean | null)[];
                  /** @description template, e.g. "{{firstName}} {{lastName}}" */
                  template?: string;
                  /** @description value_map: provider value → organization value */
                  map?: {
                    [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
                  };
                  /** @description value_map: used for values not in map */
                  fallback?: (string | number | boolean | null) | (string | number | boolean | null)[];
                  /** @description date: how the source is written (default iso) */
                  inputFormat?: 'iso' | 'unix_seconds' | 'unix_ms';
                };
                required?: boolean;
                /** @description Written when the source is missing or null */
                default?: (string | number | boolean | null) | (string | number | boolean | null)[];
              }[];
              /** @description What happens to a record changed on both sides (default manual: a conflict is opened, nothing written) */
              conflictResolution: 'manual' | 'latest' | 'source' | 'merge';
              /** @description Provider fields fetched (empty: whole records) */
              fields: string[];
              /** @description Records kept: all filters must match */
              filters: {
                field: string;
                op: string;
                value?: unknown;
              }[];
              nextRunAt: string | null;
              lastRunAt: string | null;
              /** Format: date-time */
              createdAt: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    trace?: never;
  };
  '/api/orgs/{orgId}/syncs/{syncId}/mappings/preview': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Run the sync's mappings (or `mappings` being edited) on a sample record: output and per-field errors */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          syncId: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description A sample provider record (JSON object) */
            record: unknown;
            mappings?: {
              /** @description Path into the provider record, e.g. properties.email, emails[0].value, custom_fields["Account Id"]; empty only for constant and template */
              source?: string;
              /** @description The organization's field; dots create nested objects (address.city) */
              target: string;
              transform?:
                | 'string'
                | 'number'
                | 'boolean'
                | 'date'
                | 'lowercase'
                | 'uppercase'
                | 'trim'
                | 'split'
                | 'join'
                | 'default'
                | 'constant'
                | 'template'
                | 'value_map';
              args?: {
                /** @description split (1+ characters) and join */
                separator?: string;
                /** @description constant and default */
                value?: (string | number | boolean | null) | (string | number | boolean | null)[];
                /** @description template, e.g. "{{firstName}} {{lastName}}" */
                template?: string;
                /** @description value_map: provider value → organization value */
                map?: {
                  [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
                };
                /** @description value_map: used for values not in map */
                fallback?: (string | number | boolean | null) | (string | number | boolean | null)[];
                /** @description date: how the source is written (default iso) */
                inputFormat?: 'iso' | 'unix_seconds' | 'unix_ms';
              };
              required?: boolean;
              /** @description Written when the source is missing or null */
              default?: (string | number | boolean | null) | (string | number | boolean | null)[];
            }[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              output: {
                [key: string]: unknown;
              };
              errors: {
                target: string;
                source?: string;
                message: string;
              }[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/schedule-preview': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Validate a cron schedule and list its next run times in its timezone (for the cron editor) */
    get: {
      parameters: {
        query: {
          cron: string;
          timezone: string;
          count?: number;
        };
        header?: never;
        path: {
          orgId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              cron: string;
              timezone: string;
              nextRuns: string[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/syncs/{syncId}/runs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Run a sync now (409 when a run is already queued or running) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          syncId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: uuid */
              runId: string;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/integrations/{id}/sync': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Run every enabled sync of the integration now */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              total: number;
              queued: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/sync-all': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Run every enabled sync of the organization now (paused integrations are skipped) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              total: number;
              queued: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/sync-status': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Sync status at a glance: integrations by status, runs queued and running, failures in the last 24 hours */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              integrationsByStatus: {
                ACTIVE: number;
                INACTIVE: number;
                ERROR: number;
                SYNCING: number;
                PAUSED: number;
              };
              runningRuns: number;
              queuedRuns: number;
              failedRuns24h: number;
              /** @description Conflicts waiting for a person to resolve (two-way sync) */
              openConflicts: number;
              lastSyncAt: string | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/onboarding': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The first-run checklist: integration added, connected, a sync created, a first run (each from the organization's rows) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description Every step is done (the admin UI then stops showing the checklist) */
              complete: boolean;
              steps: {
                /** @description An integration was added (the first one) */
                integration: {
                  done: boolean;
                  integrationId: string | null;
                };
                /** @description An integration was connected: signed in, or ran once (any status but INACTIVE) */
                connected: {
                  done: boolean;
                  integrationId: string | null;
                };
                /** @description A sync was created (on this integration) */
                sync: {
                  done: boolean;
                  integrationId: string | null;
                };
                /** @description A sync ran (the first run, on this integration) */
                run: {
                  done: boolean;
                  integrationId: string | null;
                  runId: string | null;
                };
              };
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/runs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Sync history, newest first */
    get: {
      parameters: {
        query?: {
          /** @description Only these runs (repeat the parameter: ids=…&ids=…; at most 100) */
          ids?: string[];
          integrationId?: string;
          syncId?: string;
          status?: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
          from?: string;
          to?: string;
          limit?: number;
          cursor?: string;
        };
        header?: never;
        path: {
          orgId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                /** Format: uuid */
                id: string;
                /** Format: uuid */
                integrationId: string;
                /** Format: uuid */
                syncId: string;
                trigger: 'schedule' | 'manual' | 'webhook' | 'retry' | 'push';
                status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
                scheduledFor: string | null;
                startedAt: string | null;
                finishedAt: string | null;
                durationMs: number | null;
                stats: {
                  fetched: number;
                  created: number;
                  updated: number;
                  unchanged: number;
                  deleted: number;
                  failed: number;
                  skipped: number;
                  pushed: number;
                  conflicts: number;
                };
                error: string | null;
                /** @description The kind of a failed run's error (null when the run did not fail, or failed before errors were classified) */
                errorKind: ('auth' | 'network' | 'provider' | 'rate_limit' | 'mapping') | null;
              }[];
              nextCursor: string | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/runs/{runId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One run with its stats */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          runId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: uuid */
              id: string;
              /** Format: uuid */
              integrationId: string;
              /** Format: uuid */
              syncId: string;
              trigger: 'schedule' | 'manual' | 'webhook' | 'retry' | 'push';
              status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
              scheduledFor: string | null;
              startedAt: string | null;
              finishedAt: string | null;
              durationMs: number | null;
              stats: {
                fetched: number;
                created: number;
                updated: number;
                unchanged: number;
                deleted: number;
                failed: number;
                skipped: number;
                pushed: number;
                conflicts: number;
              };
              error: string | null;
              /** @description The kind of a failed run's error (null when the run did not fail, or failed before errors were classified) */
              errorKind: ('auth' | 'network' | 'provider' | 'rate_limit' | 'mapping') | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/runs/{runId}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Cancel a queued run, or ask a running one to stop after its current batch */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          runId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: uuid */
              id: string;
              /** Format: uuid */
              integrationId: string;
              /** Format: uuid */
              syncId: string;
              trigger: 'schedule' | 'manual' | 'webhook' | 'retry' | 'push';
              status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
              scheduledFor: string | null;
              startedAt: string | null;
              finishedAt: string | null;
              durationMs: number | null;
              stats: {
                fetched: number;
                created: number;
                updated: number;
                unchanged: number;
                deleted: number;
                failed: number;
                skipped: number;
                pushed: number;
                conflicts: number;
              };
              error: string | null;
              /** @description The kind of a failed run's error (null when the run did not fail, or failed before errors were classified) */
              errorKind: ('auth' | 'network' | 'provider' | 'rate_limit' | 'mapping') | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/runs/{runId}/retry': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Run a failed or cancelled run again: a new run of the same sync with trigger "retry" (409 while it is active, after it succeeded, or while another run of the sync is active) */
    post: operations['retryRun'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/runs/{runId}/logs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A run's log, oldest first (filter: level and above) */
    get: {
      parameters: {
        query?: {
          level?: 'debug' | 'info' | 'warn' | 'error';
          limit?: number;
          cursor?: string;
        };
        header?: never;
        path: {
          orgId: string;
          runId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                /** Format: uuid */
                id: string;
                /** Format: uuid */
                runId: string;
                /** Format: uuid */
                integrationId: string;
                /** Format: uuid */
                syncId: string;
                /** Format: date-time */
                at: string;
                level: 'debug' | 'info' | 'warn' | 'error';
                message: string;
                data: {
                  [key: string]: unknown;
                } | null;
              }[];
              nextCursor: string | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/logs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The organization's sync logs, newest first (filters: integration, level, text, time) */
    get: {
      parameters: {
        query?: {
          integrationId?: string;
          level?: 'debug' | 'info' | 'warn' | 'error';
          q?: string;
          from?: string;
          to?: string;
          limit?: number;
          cursor?: string;
        };
        header?: never;
        path: {
          orgId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                /** Format: uuid */
                id: string;
                /** Format: uuid */
                runId: string;
                /** Format: uuid */
                integrationId: string;
                /** Format: uuid */
                syncId: string;
                /** Format: date-time */
                at: string;
                level: 'debug' | 'info' | 'warn' | 'error';
                message: string;
                data: {
                  [key: string]: unknown;
                } | null;
              }[];
              nextCursor: string | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/integrations/{id}/records': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Synced records of an integration (filter: resource) */
    get: {
      parameters: {
        query?: {
          resource?: string;
          includeDeleted?: boolean;
          limit?: number;
          cursor?: string;
        };
        header?: never;
        path: {
          orgId: string;
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                externalId: string;
                resource: string;
                data: unknown;
                sourceUpdatedAt: string | null;
                /** Format: date-time */
                updatedAt: string;
                deletedAt: string | null;
                /** @description The record's latest change in the change feed (GET …/changes): added, updated or deleted */
                action: 'added' | 'updated' | 'deleted';
                /**
                 * Format: date-time
                 * @description When that change was stored: the change feed's modifiedAt (the same instant as updatedAt)
                 */
                modifiedAt: string;
              }[];
              nextCursor: string | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/integrations/{id}/record-paths': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Field paths seen in a resource's most recently synced records (the mapping editor's suggestions) */
    get: {
      parameters: {
        query: {
          /** @description The resource whose records are looked at */
          resource: string;
        };
        header?: never;
        path: {
          orgId: string;
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              resource: string;
              /** @description How many of the most recently changed records were looked at (at most 50) */
              sampled: number;
              items: {
                /** @description A field path in the mapping source syntax (`properties.email`, `lines[0].sku`) */
                path: string;
                types: ('string' | 'number' | 'boolean' | 'null' | 'array' | 'object')[];
                /** @description In how many of the sampled records it was present */
                seen: number;
              }[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/syncs/{syncId}/records': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Write records to the provider: queued as a run with trigger "push" (Idempotency-Key: same answer, nothing written twice) */
    post: operations['pushRecords'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/runs/{runId}/writes': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A push run's per-record results, in request order */
    get: operations['listRunWrites'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/conflicts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Records changed on both sides (manual strategy), newest first */
    get: operations['listConflicts'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/conflicts/{conflictId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One conflict, with base, local and remote values per field */
    get: operations['getConflict'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/conflicts/{conflictId}/resolve': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Write the chosen version to the provider and close the conflict (409 when already resolved, or when the provider changed the record again) */
    post: operations['resolveConflict'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/integrations/{id}/changes': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Records changed in one resource's feed since a cursor, oldest change first
     * @description Follow nextCursor to see every change exactly once, in commit order, even while a run writes the resource; deletions appear as action "deleted". Each call returns the records whose latest change is after `after`, each once with its current state. hasMore says whether to call again at once.
     */
    get: operations['listRecordChanges'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/integrations/{id}/connect': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Start connecting an OAuth 2 integration: returns the provider URL to send the browser to (PKCE S256, 10-minute single-use state bound to this browser by a cookie) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description Relative path in the admin UI to return to after the provider (starts with one "/"); default: the integration page */
            returnTo?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description Send the browser here (top-level navigation) */
              authorizationUrl: string;
              /** @description The OAuth state of this attempt (single use, 10 minutes) */
              state: string;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/oauth/callback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The OAuth provider's redirect: connects the integration and redirects to its page in the admin UI (?connected=1, or ?error=… with a readable message) */
    get: {
      parameters: {
        query?: {
          code?: string;
          state?: string;
          error?: string;
          error_description?: string;
          error_uri?: string;
          iss?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Redirect to the admin UI */
        302: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/integrations/{id}/disconnect': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Disconnect: revoke the tokens at the provider when it supports RFC 7009 (best effort), forget them, status INACTIVE */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/integrations/{id}/connection': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The OAuth connection: status, granted scopes, expiry, connected account, refresh history (never tokens) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description connected: tokens usable (renewed automatically when a refresh token exists) · expired: the access token expired and cannot be renewed (no refresh token) · error: the last refresh failed · not_connected: no tokens. expired and error need a reconnect. */
              status: 'connected' | 'expired' | 'not_connected' | 'error';
              scopes: string[];
              expiresAt: string | null;
              externalAccount: string | null;
              lastRefreshedAt: string | null;
              refreshFailures: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/integrations/{id}/test': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** One cheap call to the provider with the stored credentials; success marks API-key and basic integrations verified (ACTIVE) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          orgId: string;
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              ok: boolean;
              /** @description What happened, for a person; never contains a credential */
              message: string;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/export': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Download the organization's data as JSON, CSV (a ZIP for several entities) or a PDF report
     * @description Streamed as an attachment. Dates are inclusive UTC days on each entity's own time column (integrations and syncs: created; runs: queued; logs: logged; records: last changed; audit: recorded). Every export is audited. Rate-limited per user.
     */
    get: {
      parameters: {
        query?: {
          /** @description json: one document keyed by entity; csv: one CSV, or a ZIP of one CSV per entity when several are chosen; pdf: a report */
          format?: 'json' | 'csv' | 'pdf';
          /**
           * @description Comma-separated, any of: integrations, syncs, runs, logs, records, audit. Default: every entity the caller may read.
           * @example runs,logs
           */
          entities?: string;
          /**
           * @description First UTC day included (YYYY-MM-DD)
           * @example 2026-01-31
           */
          startDate?: string;
          /**
           * @description Last UTC day included (YYYY-MM-DD)
           * @example 2026-01-31
           */
          endDate?: string;
        };
        header?: never;
        path: {
          orgId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The export file (Content-Disposition: attachment) */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': string;
            'text/csv': string;
            'application/zip': string;
            'application/pdf': string;
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/webhooks/{integrationId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A provider's GET handshake (Dropbox's challenge, Fitbit's verification code) */
    get: operations['answerWebhookChallenge'];
    put?: never;
    /**
     * A provider's webhook delivery, verified by the provider's own signature scheme
     * @description Verified with the integration's webhookSecret; stored, then answered 202 { received: true } before any processing. A missing or wrong signature, or a timestamp outside the tolerance, is a 401 and changes nothing but the record of the rejected attempt. Unknown integration or no webhook secret: 404. Body over 1 MB: 400.
     */
    post: operations['receiveWebhook'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/integrations/{id}/webhook': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The URL to register in the provider's console, and how deliveries are verified */
    get: operations['getIntegrationWebhook'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/integrations/{id}/webhook/register': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Registers the integration's webhook URL through the provider's API (GitHub repository webhooks)
     * @description With the connection's OAuth token, creates the webhook at the provider (or updates the one registered before, never a second one) with this integration's URL, the events its syncs map, and the webhook secret: the one set on the integration, else a new one stored write-only. Needs a connected integration whose provider registers webhooks by API (else 409 with field params.id: register by hand with the steps of GET …/webhook), the provider's scope (409, field /scopes) and the settings naming the target (400, field /settings/<key>, also when the provider does not know the target). Audited as integration.webhook_registered, without the secret.
     */
    post: operations['registerIntegrationWebhook'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/integrations/{id}/webhook-events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The integration's webhook deliveries, newest first (rejected attempts too, rate-limited) */
    get: operations['listWebhookEvents'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/webhook-endpoints': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The organization's webhook endpoints */
    get: operations['listWebhookEndpoints'];
    put?: never;
    /** Create an endpoint; the answer holds its signing secret, shown this once */
    post: operations['createWebhookEndpoint'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/webhook-endpoints/{endpointId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One webhook endpoint */
    get: operations['getWebhookEndpoint'];
    put?: never;
    post?: never;
    /** Delete the endpoint with its delivery log */
    delete: operations['deleteWebhookEndpoint'];
    options?: never;
    head?: never;
    /** Change the URL, description or events, or enable or disable the endpoint */
    patch: operations['updateWebhookEndpoint'];
    trace?: never;
  };
  '/api/orgs/{orgId}/webhook-endpoints/{endpointId}/rotate-secret': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** New signing secret (shown this once); for 24 hours deliveries carry signatures of both the old and the new one */
    post: operations['rotateWebhookEndpointSecret'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/webhook-endpoints/{endpointId}/test': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Send a ping event to this endpoint; follow it in the delivery log
     * @description A disabled endpoint answers 409 and nothing is queued: enable it first.
     */
    post: operations['testWebhookEndpoint'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/webhook-endpoints/{endpointId}/deliveries': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The endpoint's delivery log, newest first */
    get: operations['listWebhookDeliveries'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/webhook-endpoints/{endpointId}/deliveries/{deliveryId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One delivery with its body and every attempt (status, duration, the first 2 KB of the answer) */
    get: operations['getWebhookDelivery'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/orgs/{orgId}/webhook-endpoints/{endpointId}/deliveries/{deliveryId}/redeliver': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Send the delivery's event again, as a new delivery
     * @description A disabled endpoint answers 409 and nothing is queued: enable it first.
     */
    post: operations['redeliverWebhookDelivery'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    Error: {
      statusCode: number;
      error: string;
      message: string;
      requestId: string;
      /** @description The input at fault (400): a JSON Pointer into the body (/settings/subdomain), query.<name> or params.<name> */
      field?: string;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  login: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** Format: email */
          email: string;
          /** @description The account password */
          password: string;
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json':
            | {
                user: {
                  /** Format: uuid */
                  id: string;
                  email: string;
                  name: string;
                  platformRole: 'platform_owner' | null;
                  /** @description The time zone the person chose for showing times; null follows their browser */
                  timezone: string | null;
                  /** @description Whether two-factor sign-in (TOTP) is on for this account */
                  mfaEnabled: boolean;
                  /** @description Two-factor sign-in is required for this account (PLATFORM_OWNER_MFA=required) and not on yet: platform powers wait for it */
                  mfaRequired: boolean;
                };
                memberships: {
                  /** Format: uuid */
                  organizationId: string;
                  organizationSlug: string;
                  organizationName: string;
                  role: 'viewer' | 'admin' | 'super_admin';
                }[];
                accessToken: string;
                /** @description Seconds until the access token expires */
                expiresIn: number;
              }
            | {
                /**
                 * @description The password was right; a two-factor code completes the sign-in
                 * @enum {boolean}
                 */
                mfaRequired: true;
                /** @description Send with the code to POST /api/auth/login/mfa; good for a few minutes */
                mfaToken: string;
                /** @description Seconds until mfaToken expires */
                expiresIn: number;
              };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  loginMfa: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description The mfaToken from POST /api/auth/login */
          mfaToken: string;
          /** @description The 6-digit code the authenticator app shows now */
          code?: string;
          /** @description One of the recovery codes shown when two-factor sign-in was turned on */
          recoveryCode?: string;
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            user: {
              /** Format: uuid */
              id: string;
              email: string;
              name: string;
              platformRole: 'platform_owner' | null;
              /** @description The time zone the person chose for showing times; null follows their browser */
              timezone: string | null;
              /** @description Whether two-factor sign-in (TOTP) is on for this account */
              mfaEnabled: boolean;
              /** @description Two-factor sign-in is required for this account (PLATFORM_OWNER_MFA=required) and not on yet: platform powers wait for it */
              mfaRequired: boolean;
            };
            memberships: {
              /** Format: uuid */
              organizationId: string;
              organizationSlug: string;
              organizationName: string;
              role: 'viewer' | 'admin' | 'super_admin';
            }[];
            accessToken: string;
            /** @description Seconds until the access token expires */
            expiresIn: number;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  updateProfile: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description Display name, 1–120 characters */
          name?: string;
          /** @description Time zone for showing times; null follows the browser */
          timezone?: string | null;
        };
      };
    };
    responses: {
      /** @description Saved */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  previewInvitation: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description The token from the invitation link (/invite/<token>) */
          token: string;
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description The organization the person is invited to */
            organizationName: string;
            /** @description The email the invitation is for */
            email: string;
            role: 'viewer' | 'admin' | 'super_admin';
            /**
             * Format: date-time
             * @description Until when the link works
             */
            expiresAt: string;
            /** @description That email has a Linkyard account: accept with its current password (or signed in as it) */
            hasAccount: boolean;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  acceptInvitationSignedIn: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description The token from the invitation link (/invite/<token>) */
          token: string;
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** Format: uuid */
            organizationId: string;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  changePassword: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description The password in use now */
          currentPassword: string;
          /** @description The new password: at least 12 characters, different from the current one */
          newPassword: string;
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description How many other sessions were signed out */
            otherSessionsEnded: number;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  setUpMfa: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': Record<string, never>;
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description otpauth:// URL for an authenticator app (as text or a QR code) */
            otpauthUrl: string;
            /** @description The same secret in base32, to type into an app by hand */
            secret: string;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  enableMfa: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description The 6-digit code the authenticator app shows now */
          code: string;
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description Single-use codes that stand in for the authenticator app; shown only in this response */
            recoveryCodes: string[];
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  disableMfa: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description The 6-digit code the authenticator app shows now */
          code?: string;
          /** @description One of the recovery codes shown when two-factor sign-in was turned on */
          recoveryCode?: string;
        };
      };
    };
    responses: {
      /** @description Turned off */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  deleteOrganization: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description The organization's slug, typed to confirm the deletion */
          confirm: string;
        };
      };
    };
    responses: {
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  resendInvitation: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        orgId: string;
        invitationId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** Format: uuid */
            id: string;
            /** @description One-time invitation token; shown only in this response. The person POSTs it to /api/auth/accept-invitation (with a new password, or their current one if they already have an account). */
            token: string;
            /** @description The invitation link to send the person ($PUBLIC_URL/invite/<token>): it opens the accept page */
            url: string;
            /** Format: date-time */
            expiresAt: string;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listApiKeys: {
    parameters: {
      query?: {
        limit?: number;
        cursor?: string;
      };
      header?: never;
      path: {
        /** @description The organization */
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: {
              /**
               * Format: uuid
               * @description The key's id
               */
              id: string;
              /** @description What the key is for, as people named it */
              name: string;
              /** @description The role the key acts with in its organization: viewer reads, admin also changes the organization's data */
              role: 'viewer' | 'admin';
              /** @description The first characters of the secret (not secret), to tell keys apart */
              prefix: string;
              /** @description Who created the key */
              createdBy: {
                /** @description The Super Admin who created the key */
                id: string | null;
                /** @description That person's email */
                email: string;
              };
              /**
               * Format: date-time
               * @description When the key was created
               */
              createdAt: string;
              /** @description When the key last called the API (updated at most once a minute); null if never */
              lastUsedAt: string | null;
              /** @description When the key stops working; null: never */
              expiresAt: string | null;
              /** @description When the key was revoked; null: not revoked */
              revokedAt: string | null;
            }[];
            nextCursor: string | null;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createApiKey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The organization */
        orgId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description What the key is for (1–120 characters) */
          name: string;
          /** @description The role the key acts with in its organization: viewer reads, admin also changes the organization's data */
          role: 'viewer' | 'admin';
          /** @description When the key stops working (must be in the future); leave out or null for a key that does not expire */
          expiresAt?: string | null;
        };
      };
    };
    responses: {
      /** @description Default Response */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /**
             * Format: uuid
             * @description The key's id
             */
            id: string;
            /** @description What the key is for, as people named it */
            name: string;
            /** @description The role the key acts with in its organization: viewer reads, admin also changes the organization's data */
            role: 'viewer' | 'admin';
            /** @description The first characters of the secret (not secret), to tell keys apart */
            prefix: string;
            /** @description Who created the key */
            createdBy: {
              /** @description The Super Admin who created the key */
              id: string | null;
              /** @description That person's email */
              email: string;
            };
            /**
             * Format: date-time
             * @description When the key was created
             */
            createdAt: string;
            /** @description When the key last called the API (updated at most once a minute); null if never */
            lastUsedAt: string | null;
            /** @description When the key stops working; null: never */
            expiresAt: string | null;
            /** @description When the key was revoked; null: not revoked */
            revokedAt: string | null;
          } & {
            /** @description The key itself (`lyk_` + 43 characters): send it as `Authorization: Bearer <secret>`. Shown only in this response; Linkyard stores only its hash. */
            secret: string;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  revokeApiKey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The organization */
        orgId: string;
        /** @description The API key */
        keyId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Revoked */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  retryRun: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        orgId: string;
        runId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** Format: uuid */
            runId: string;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  pushRecords: {
    parameters: {
      query?: never;
      header?: {
        /** @description A repeat with the same key returns the first answer and writes nothing */
        'idempotency-key'?: string;
      };
      path: {
        orgId: string;
        syncId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description 1 to 1000 records */
          records: {
            /** @description The provider's id: absent creates the record, present updates or deletes it */
            externalId?: string;
            /** @description The record in the organization's field names (outboundMappings translate it) */
            data?: {
              [key: string]: unknown;
            };
            /** @description Default upsert */
            op?: 'upsert' | 'delete';
          }[];
        };
      };
    };
    responses: {
      /** @description Default Response */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** Format: uuid */
            runId: string;
            /** @description Records queued for writing */
            accepted: number;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listRunWrites: {
    parameters: {
      query?: {
        limit?: number;
        cursor?: string;
        /** @description Only the writes with this outcome, e.g. failed */
        status?: 'applied' | 'conflict' | 'failed' | 'skipped';
      };
      header?: never;
      path: {
        orgId: string;
        runId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: {
              /** @description Null for a create the provider refused */
              externalId: string | null;
              op: 'create' | 'update' | 'delete';
              status: 'applied' | 'conflict' | 'failed' | 'skipped';
              /** @description Why the record was not written, for people */
              error: string | null;
            }[];
            nextCursor: string | null;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listConflicts: {
    parameters: {
      query?: {
        integrationId?: string;
        syncId?: string;
        status?: 'open' | 'resolved';
        limit?: number;
        cursor?: string;
      };
      header?: never;
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: {
              /** Format: uuid */
              id: string;
              /** Format: uuid */
              syncId: string;
              /** Format: uuid */
              integrationId: string;
              resource: string;
              /** @description The record's id at the provider */
              externalId: string;
              /** @description Every field on which any two of the three versions differ */
              fields: {
                /** @description The field, in the organization's field names (the sync's mappings' targets) */
                path: string;
                /** @description The value Linkyard last read from the provider (null: absent) */
                base: unknown;
                /** @description The organization's value (null: absent) */
                local: unknown;
                /** @description The provider's value when the conflict was found (null: absent) */
                remote: unknown;
              }[];
              /** @description The organization deleted the record and the provider refused (it changed the record since): every local value is null; local deletes it at the provider, remote keeps the provider's version, merged is refused */
              localDeleted: boolean;
              status: 'open' | 'resolved';
              /** Format: date-time */
              createdAt: string;
              resolvedAt: string | null;
              resolvedBy: {
                type: 'user' | 'api_key';
                /** Format: uuid */
                id: string;
                /** @description A person's email */
                email?: string;
                /** @description An API key's name */
                name?: string;
              } | null;
              resolution: ('local' | 'remote' | 'merged') | null;
            }[];
            nextCursor: string | null;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getConflict: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        orgId: string;
        conflictId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            syncId: string;
            /** Format: uuid */
            integrationId: string;
            resource: string;
            /** @description The record's id at the provider */
            externalId: string;
            /** @description Every field on which any two of the three versions differ */
            fields: {
              /** @description The field, in the organization's field names (the sync's mappings' targets) */
              path: string;
              /** @description The value Linkyard last read from the provider (null: absent) */
              base: unknown;
              /** @description The organization's value (null: absent) */
              local: unknown;
              /** @description The provider's value when the conflict was found (null: absent) */
              remote: unknown;
            }[];
            /** @description The organization deleted the record and the provider refused (it changed the record since): every local value is null; local deletes it at the provider, remote keeps the provider's version, merged is refused */
            localDeleted: boolean;
            status: 'open' | 'resolved';
            /** Format: date-time */
            createdAt: string;
            resolvedAt: string | null;
            resolvedBy: {
              type: 'user' | 'api_key';
              /** Format: uuid */
              id: string;
              /** @description A person's email */
              email?: string;
              /** @description An API key's name */
              name?: string;
            } | null;
            resolution: ('local' | 'remote' | 'merged') | null;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  resolveConflict: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        orgId: string;
        conflictId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description local: the organization's version; remote: the provider's; merged: the fields chosen one by one (data) */
          resolution: 'local' | 'remote' | 'merged';
          /** @description With merged: the value of each field chosen (or edited), by path. A field changed on one side only may be left out (that side wins); every field changed on both sides must be given. */
          data?: {
            [key: string]: unknown;
          };
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            syncId: string;
            /** Format: uuid */
            integrationId: string;
            resource: string;
            /** @description The record's id at the provider */
            externalId: string;
            /** @description Every field on which any two of the three versions differ */
            fields: {
              /** @description The field, in the organization's field names (the sync's mappings' targets) */
              path: string;
              /** @description The value Linkyard last read from the provider (null: absent) */
              base: unknown;
              /** @description The organization's value (null: absent) */
              local: unknown;
              /** @description The provider's value when the conflict was found (null: absent) */
              remote: unknown;
            }[];
            /** @description The organization deleted the record and the provider refused (it changed the record since): every local value is null; local deletes it at the provider, remote keeps the provider's version, merged is refused */
            localDeleted: boolean;
            status: 'open' | 'resolved';
            /** Format: date-time */
            createdAt: string;
            resolvedAt: string | null;
            resolvedBy: {
              type: 'user' | 'api_key';
              /** Format: uuid */
              id: string;
              /** @description A person's email */
              email?: string;
              /** @description An API key's name */
              name?: string;
            } | null;
            resolution: ('local' | 'remote' | 'merged') | null;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      502: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listRecordChanges: {
    parameters: {
      query: {
        /** @description The feed to read: one of the integration's resources (each resource has its own feed), e.g. customers */
        resource: string;
        /** @description Where to continue: the nextCursor (or an item's cursor) of an earlier call on the same feed. Without it the feed starts at the beginning. A cursor this server did not issue, or one of another integration or resource, is a 400 with field query.after. */
        after?: string;
        /** @description Changes per call (1–1,000, default 100) */
        limit?: number;
      };
      header?: never;
      path: {
        /** @description The organization */
        orgId: string;
        /** @description The integration whose records to follow */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description Records whose latest change is after `after`, oldest change first, each record once with its current state */
            items: {
              /** @description The record's id at the provider */
              externalId: string;
              /** @description The resource (feed) the record belongs to */
              resource: string;
              /** @description What the record's latest change was: added (new, or back after a deletion), updated (its content changed), deleted (gone upstream). Treat added and updated alike: store the record as given. */
              action: 'added' | 'updated' | 'deleted';
              /** @description The record's current mapped content (for a deleted record, its last content) */
              data: unknown;
              /**
               * Format: date-time
               * @description When Linkyard first stored the record
               */
              firstSeenAt: string;
              /**
               * Format: date-time
               * @description When Linkyard stored the latest change (added, updated or deleted)
               */
              modifiedAt: string;
              /** @description When the record was found gone upstream; null while it exists */
              deletedAt: string | null;
              /** @description This change's place in the feed: passed as after, the next call starts behind it */
              cursor: string;
            }[];
            /** @description Pass as after on the next call. Always present: the same cursor when nothing has changed since. Save it once the page is processed. */
            nextCursor: string;
            /** @description true when more changes are waiting: call again at once; false: you are up to date, poll later */
            hasMore: boolean;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  answerWebhookChallenge: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The integration the provider delivers to (the id in the registered URL) */
        integrationId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A handshake answered (the challenge or token echoed, as the provider documents) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': string;
        };
      };
      /** @description Answered before any processing */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /**
             * @description The delivery was verified and stored; it is processed afterwards
             * @enum {boolean}
             */
            received: true;
          };
        };
      };
      /** @description Accepted, for providers that document 204 (Fitbit) */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  receiveWebhook: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The integration the provider delivers to (the id in the registered URL) */
        integrationId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A handshake answered (the challenge or token echoed, as the provider documents) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': string;
        };
      };
      /** @description Answered before any processing */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /**
             * @description The delivery was verified and stored; it is processed afterwards
             * @enum {boolean}
             */
            received: true;
          };
        };
      };
      /** @description Accepted, for providers that document 204 (Fitbit) */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getIntegrationWebhook: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The organization */
        orgId: string;
        /** @description The integration */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description The URL to register in the provider's console: $PUBLIC_URL/api/webhooks/<integrationId> */
            url: string;
            /** @description How deliveries are verified, in one line (algorithm, header, timestamp tolerance) */
            signatureScheme: string;
            /** @description How to register the URL at the provider and which of its values is the webhook secret, in order (empty when the provider sends no webhooks) */
            registration: string[];
            /** @description The provider's documentation of its webhooks and signatures */
            docs: string | null;
            /** @description The provider's name (GitHub), for the steps and the register button */
            providerName: string;
            /** @description Whether Linkyard can register the URL through the provider's API (POST …/webhook/register); false: register it by hand with the steps in `registration` */
            canRegister: boolean;
            /** @description The webhook Linkyard registered through the provider's API; null when none was */
            registered: {
              /** @description What the webhook is registered on (GitHub: owner/repo) */
              target: string;
              /** @description The provider's id of the registered webhook */
              hookId: string;
              /** Format: date-time */
              registeredAt: string;
              /** Format: date-time */
              updatedAt: string;
            } | null;
            /** @description Whether a webhook secret is set; without one every delivery is answered 404 */
            hasWebhookSecret: boolean;
            /** @description When the last delivery (of any status) arrived */
            lastReceivedAt: string | null;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  registerIntegrationWebhook: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The organization */
        orgId: string;
        /** @description The integration */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The webhook secret is set (or kept) on the integration and never returned */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description created: the provider has a new webhook; updated: the one registered before (or one with this URL) was updated */
            registered: 'created' | 'updated';
            /** @description What the webhook is registered on (GitHub: owner/repo) */
            target: string;
            /** @description The provider's id of the webhook */
            hookId: string;
            /** @description The URL the provider delivers to: $PUBLIC_URL/api/webhooks/<integrationId> */
            url: string;
            /** Format: date-time */
            registeredAt: string;
            /** Format: date-time */
            updatedAt: string;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      502: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listWebhookEvents: {
    parameters: {
      query?: {
        /** @description accepted: verified and acted on (or about to be); rejected: failed verification (see reason); duplicate: a repeat of a provider event id seen in the last 7 days; ignored: the integration was paused */
        status?: 'accepted' | 'rejected' | 'duplicate' | 'ignored';
        /** @description Events per page (1–200, default 50) */
        limit?: number;
        /** @description The nextCursor of the previous page */
        cursor?: string;
      };
      header?: never;
      path: {
        /** @description The organization */
        orgId: string;
        /** @description The integration */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description Newest first */
            items: {
              /**
               * Format: uuid
               * @description The delivery
               */
              id: string;
              /** @description The provider's event id, when it sends one */
              providerEventId: string | null;
              /** @description The provider's event type (e.g. customer.updated) */
              type: string | null;
              /**
               * Format: date-time
               * @description When the delivery arrived
               */
              receivedAt: string;
              /** @description accepted: verified and acted on (or about to be); rejected: failed verification (see reason); duplicate: a repeat of a provider event id seen in the last 7 days; ignored: the integration was paused */
              status: 'accepted' | 'rejected' | 'duplicate' | 'ignored';
              /** @description Why it was rejected or ignored, in a sentence */
              reason: string | null;
              /** @description The run the event queued or joined */
              runId: string | null;
              /** @description When a worker acted on it; null while it waits */
              processedAt: string | null;
            }[];
            /** @description Pass as cursor for the next page; null on the last */
            nextCursor: string | null;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listWebhookEndpoints: {
    parameters: {
      query?: {
        /** @description Page size, 1–200 (default 50) */
        limit?: number;
        /** @description nextCursor of the previous page */
        cursor?: string;
      };
      header?: never;
      path: {
        /** @description The organization */
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: {
              /** Format: uuid */
              id: string;
              /** @description Where deliveries are POSTed: an https:// URL (http:// only outside production) on a public address */
              url: string;
              /** @description What the endpoint is for (free text, shown in the admin UI) */
              description: string;
              /** @description The event types delivered to this endpoint */
              events: (
                | 'sync.succeeded'
                | 'sync.failed'
                | 'records.changed'
                | 'integration.connected'
                | 'integration.disconnected'
                | 'integration.error'
                | 'webhook.received'
                | 'conflict.created'
                | 'ping'
              )[];
              /** @description Whether events are delivered (a disabled endpoint keeps its pending deliveries) */
              enabled: boolean;
              /** @description Why Linkyard disabled the endpoint (it kept failing); null when enabled, or disabled by a person */
              disabledReason: string | null;
              /** @description After a secret rotation: until when deliveries also carry a signature made with the previous secret */
              secretRotatedUntil: string | null;
              /** Format: date-time */
              createdAt: string;
              /** Format: date-time */
              updatedAt: string;
            }[];
            nextCursor: string | null;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createWebhookEndpoint: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The organization */
        orgId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description Where deliveries are POSTed: an https:// URL (http:// only outside production) on a public address */
          url: string;
          /** @description What the endpoint is for (free text, shown in the admin UI) */
          description?: string;
          /** @description The event types delivered to this endpoint */
          events: (
            | 'sync.succeeded'
            | 'sync.failed'
            | 'records.changed'
            | 'integration.connected'
            | 'integration.disconnected'
            | 'integration.error'
            | 'webhook.received'
            | 'conflict.created'
            | 'ping'
          )[];
          /** @description Whether events are delivered (a disabled endpoint keeps its pending deliveries) */
          enabled?: boolean;
        };
      };
    };
    responses: {
      /** @description Default Response */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** Format: uuid */
            id: string;
            /** @description Where deliveries are POSTed: an https:// URL (http:// only outside production) on a public address */
            url: string;
            /** @description What the endpoint is for (free text, shown in the admin UI) */
            description: string;
            /** @description The event types delivered to this endpoint */
            events: (
              | 'sync.succeeded'
              | 'sync.failed'
              | 'records.changed'
              | 'integration.connected'
              | 'integration.disconnected'
              | 'integration.error'
              | 'webhook.received'
              | 'conflict.created'
              | 'ping'
            )[];
            /** @description Whether events are delivered (a disabled endpoint keeps its pending deliveries) */
            enabled: boolean;
            /** @description Why Linkyard disabled the endpoint (it kept failing); null when enabled, or disabled by a person */
            disabledReason: string | null;
            /** @description After a secret rotation: until when deliveries also carry a signature made with the previous secret */
            secretRotatedUntil: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
          } & {
            /** @description The signing secret: "whsec_" + base64 of 32 random bytes. Shown only in this response; store it now */
            secret: string;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getWebhookEndpoint: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The organization */
        orgId: string;
        /** @description The webhook endpoint */
        endpointId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** Format: uuid */
            id: string;
            /** @description Where deliveries are POSTed: an https:// URL (http:// only outside production) on a public address */
            url: string;
            /** @description What the endpoint is for (free text, shown in the admin UI) */
            description: string;
            /** @description The event types delivered to this endpoint */
            events: (
              | 'sync.succeeded'
              | 'sync.failed'
              | 'records.changed'
              | 'integration.connected'
              | 'integration.disconnected'
              | 'integration.error'
              | 'webhook.received'
              | 'conflict.created'
              | 'ping'
            )[];
            /** @description Whether events are delivered (a disabled endpoint keeps its pending deliveries) */
            enabled: boolean;
            /** @description Why Linkyard disabled the endpoint (it kept failing); null when enabled, or disabled by a person */
            disabledReason: string | null;
            /** @description After a secret rotation: until when deliveries also carry a signature made with the previous secret */
            secretRotatedUntil: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  deleteWebhookEndpoint: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The organization */
        orgId: string;
        /** @description The webhook endpoint */
        endpointId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Deleted */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  updateWebhookEndpoint: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The organization */
        orgId: string;
        /** @description The webhook endpoint */
        endpointId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description Where deliveries are POSTed: an https:// URL (http:// only outside production) on a public address */
          url?: string;
          /** @description What the endpoint is for (free text, shown in the admin UI) */
          description?: string;
          /** @description The event types delivered to this endpoint */
          events?: (
            | 'sync.succeeded'
            | 'sync.failed'
            | 'records.changed'
            | 'integration.connected'
            | 'integration.disconnected'
            | 'integration.error'
            | 'webhook.received'
            | 'conflict.created'
            | 'ping'
          )[];
          /** @description false stops deliveries; true resumes them and clears disabledReason */
          enabled?: boolean;
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** Format: uuid */
            id: string;
            /** @description Where deliveries are POSTed: an https:// URL (http:// only outside production) on a public address */
            url: string;
            /** @description What the endpoint is for (free text, shown in the admin UI) */
            description: string;
            /** @description The event types delivered to this endpoint */
            events: (
              | 'sync.succeeded'
              | 'sync.failed'
              | 'records.changed'
              | 'integration.connected'
              | 'integration.disconnected'
              | 'integration.error'
              | 'webhook.received'
              | 'conflict.created'
              | 'ping'
            )[];
            /** @description Whether events are delivered (a disabled endpoint keeps its pending deliveries) */
            enabled: boolean;
            /** @description Why Linkyard disabled the endpoint (it kept failing); null when enabled, or disabled by a person */
            disabledReason: string | null;
            /** @description After a secret rotation: until when deliveries also carry a signature made with the previous secret */
            secretRotatedUntil: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  rotateWebhookEndpointSecret: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The organization */
        orgId: string;
        /** @description The webhook endpoint */
        endpointId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description The signing secret: "whsec_" + base64 of 32 random bytes. Shown only in this response; store it now */
            secret: string;
            /**
             * Format: date-time
             * @description Until when the previous secret still signs deliveries
             */
            previousSecretExpiresAt: string;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  testWebhookEndpoint: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The organization */
        orgId: string;
        /** @description The webhook endpoint */
        endpointId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /**
             * Format: uuid
             * @description The new delivery; follow it in the delivery log
             */
            deliveryId: string;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listWebhookDeliveries: {
    parameters: {
      query?: {
        /** @description Page size, 1–200 (default 50) */
        limit?: number;
        /** @description nextCursor of the previous page */
        cursor?: string;
        /** @description pending: not delivered yet (retries follow); succeeded: a 2xx answer; failed: every attempt failed */
        status?: 'pending' | 'succeeded' | 'failed';
        /** @description An event type, e.g. "sync.succeeded" */
        event?:
          | 'sync.succeeded'
          | 'sync.failed'
          | 'records.changed'
          | 'integration.connected'
          | 'integration.disconnected'
          | 'integration.error'
          | 'webhook.received'
          | 'conflict.created'
          | 'ping';
      };
      header?: never;
      path: {
        /** @description The organization */
        orgId: string;
        /** @description The webhook endpoint */
        endpointId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: {
              /** Format: uuid */
              id: string;
              /**
               * Format: uuid
               * @description The event: the webhook-id header, the same on every attempt (dedupe by it)
               */
              eventId: string;
              /**
               * @description An event type, e.g. "sync.succeeded"
               * @enum {string}
               */
              event:
                | 'sync.succeeded'
                | 'sync.failed'
                | 'records.changed'
                | 'integration.connected'
                | 'integration.disconnected'
                | 'integration.error'
                | 'webhook.received'
                | 'conflict.created'
                | 'ping';
              /** @description pending: not delivered yet (retries follow); succeeded: a 2xx answer; failed: every attempt failed */
              status: 'pending' | 'succeeded' | 'failed';
              /** @description Attempts made so far */
              attempts: number;
              /** @description When the last attempt was made */
              lastAttemptAt: string | null;
              /** @description When the next attempt is due (null once finished) */
              nextAttemptAt: string | null;
              /** @description The last attempt's HTTP status (null: no answer) */
              lastStatusCode: number | null;
              /** @description Why the last attempt failed */
              lastError: string | null;
              /** Format: date-time */
              createdAt: string;
            }[];
            nextCursor: string | null;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getWebhookDelivery: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The organization */
        orgId: string;
        /** @description The webhook endpoint */
        endpointId: string;
        /** @description The delivery (one event to this endpoint) */
        deliveryId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** Format: uuid */
            id: string;
            /**
             * Format: uuid
             * @description The event: the webhook-id header, the same on every attempt (dedupe by it)
             */
            eventId: string;
            /**
             * @description An event type, e.g. "sync.succeeded"
             * @enum {string}
             */
            event:
              | 'sync.succeeded'
              | 'sync.failed'
              | 'records.changed'
              | 'integration.connected'
              | 'integration.disconnected'
              | 'integration.error'
              | 'webhook.received'
              | 'conflict.created'
              | 'ping';
            /** @description pending: not delivered yet (retries follow); succeeded: a 2xx answer; failed: every attempt failed */
            status: 'pending' | 'succeeded' | 'failed';
            /** @description Attempts made so far */
            attempts: number;
            /** @description When the last attempt was made */
            lastAttemptAt: string | null;
            /** @description When the next attempt is due (null once finished) */
            nextAttemptAt: string | null;
            /** @description The last attempt's HTTP status (null: no answer) */
            lastStatusCode: number | null;
            /** @description Why the last attempt failed */
            lastError: string | null;
            /** Format: date-time */
            createdAt: string;
          } & {
            /** @description The body that is POSTed: { id, type, createdAt, organizationId, data } */
            payload: unknown;
            /** @description Every attempt, oldest first */
            attemptList: {
              /** Format: uuid */
              id: string;
              /** Format: date-time */
              attemptedAt: string;
              /** @description HTTP status of the answer (null: none, see error) */
              statusCode: number | null;
              /** @description From sending the request to the end of the answer (or the failure) */
              durationMs: number;
              /** @description The first 2 KB of the response body */
              response: string | null;
              /** @description Why the attempt failed */
              error: string | null;
            }[];
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  redeliverWebhookDelivery: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The organization */
        orgId: string;
        /** @description The webhook endpoint */
        endpointId: string;
        /** @description The delivery (one event to this endpoint) */
        deliveryId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /**
             * Format: uuid
             * @description The new delivery; follow it in the delivery log
             */
            deliveryId: string;
          };
        };
      };
      /** @description Default Response */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Default Response */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
}

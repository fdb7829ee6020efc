/**
 * What other modules may read of organizations inside a transaction of their own: the legacy import finds the
 * organization each row names by its slug. organizations.repo.ts stays private to this module
 * (.dependency-cruiser.cjs, repos-stay-in-their-module); invitations.ts is the port for invitations.
 */
export { findOrganizationBySlug } from './organizations.repo.js';

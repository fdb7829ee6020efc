/** Where an endpoint's signing secrets live, as the vault binds them: a copy in another row or column does not decrypt. */
export const secretContext = (orgId: string, endpointId: string, column: 'secret_encrypted' | 'previous_secret_encrypted') => ({
  organizationId: orgId,
  table: 'webhook_endpoints',
  column,
  rowId: endpointId,
});

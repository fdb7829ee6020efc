import type { Provider, Sync } from './types';

/**
 * The resources a new sync may copy: one sync per resource of an integration, so a resource that already has a
 * sync is offered disabled, named with its sync, and never preselected.
 */
export function resourceChoices(resources: Provider['resources'], syncs: Pick<Sync, 'resource'>[]) {
  const taken = new Set(syncs.map((s) => s.resource));
  const choices = resources.map((r) => ({ key: r.key, name: r.name, taken: taken.has(r.key) }));
  return { choices, firstFree: choices.find((c) => !c.taken)?.key ?? null };
}

import { describe, expect, it } from 'vitest';
import { resourceChoices } from './sync-resources';

const resources = [
  { key: 'contacts', name: 'Contacts' },
  { key: 'companies', name: 'Companies' },
  { key: 'deals', name: 'Deals' },
] as never;

describe('the resources a new sync may copy', () => {
  it('marks the resources that already have a sync and preselects the first free one', () => {
    const { choices, firstFree } = resourceChoices(resources, [{ resource: 'contacts' }]);
    expect(choices.map((c) => [c.key, c.taken])).toEqual([
      ['contacts', true],
      ['companies', false],
      ['deals', false],
    ]);
    expect(firstFree).toBe('companies');
  });

  it('has nothing to preselect when every resource has a sync', () => {
    expect(resourceChoices(resources, [{ resource: 'contacts' }, { resource: 'companies' }, { resource: 'deals' }]).firstFree).toBeNull();
  });
});

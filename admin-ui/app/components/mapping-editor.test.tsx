// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { moveRow, rowsFromMappings } from '~/lib/mappings';
import type { Mapping } from '~/lib/types';
import { MappingEditor, MappingTable } from './mapping-editor';

const MAPPINGS: Mapping[] = [
  { source: 'email', target: 'email', transform: 'lowercase', required: true },
  { source: '', target: 'fullName', transform: 'template', args: { template: '{{firstName}} {{lastName}}' } },
  {
    source: 'lifecycleStage',
    target: 'stage',
    transform: 'value_map',
    args: { map: { lead: 'Lead', customer: 'Customer' }, fallback: 'Other' },
  },
  { source: 'tags', target: 'tags', transform: 'split', args: { separator: ';' } },
  { source: 'plan', target: 'plan', default: 'free' },
];
const noop = () => {};
const text = (element: HTMLElement) => (element.textContent ?? '').replace(/\s+/g, ' ');
/** The input or select labelled `label` (the label's text before its screen-reader suffix " (field n)"). */
const field = <T extends HTMLElement = HTMLInputElement>(label: string, n: number) => screen.getByLabelText<T>(`${label} (field ${n})`);
const targets = () => screen.getAllByLabelText<HTMLInputElement>(/^Target field/).map((i) => i.value);

afterEach(cleanup);

describe('MappingEditor', () => {
  const rows = rowsFromMappings(MAPPINGS);

  it('renders one row per mapping, in order, with its values', () => {
    render(<MappingEditor rows={rows} onChange={noop} />);
    const items = screen.getAllByRole('listitem');
    expect(items).toHaveLength(5);
    expect(items.map((li) => li.getAttribute('aria-label'))).toEqual(['Field 1', 'Field 2', 'Field 3', 'Field 4', 'Field 5']);
    expect(targets()).toEqual(['email', 'fullName', 'stage', 'tags', 'plan']);
    const transform = field<HTMLSelectElement>('Transform', 1);
    expect(transform.value).toBe('lowercase');
    expect(transform.selectedOptions[0]?.textContent).toBe('Lowercase');
    expect(within(items[0]!).getByRole('checkbox', { name: 'Required (field 1)' })).toHaveProperty('checked', true);
  });

  it('labels every input', () => {
    const { container } = render(<MappingEditor rows={rows} onChange={noop} />);
    const controls = [...container.querySelectorAll<HTMLElement>('input, select')];
    expect(controls.length).toBeGreaterThan(10);
    for (const control of controls) {
      const labels = (control as HTMLInputElement).labels;
      expect(labels?.length, `${control.id || control.outerHTML} has a label`).toBeGreaterThan(0);
    }
    expect(screen.getAllByText('Source path')).toHaveLength(5);
    expect(screen.getAllByText('Target field')).toHaveLength(5);
    expect(screen.getAllByText('Default value').length).toBeGreaterThan(0);
  });

  it('shows the args input of each transform', () => {
    render(<MappingEditor rows={rows} onChange={noop} />);
    expect(field('Template', 2).value).toBe('{{firstName}} {{lastName}}');
    expect(field('Template', 2).id).toBe('m-row-2-template');
    expect(screen.getByLabelText<HTMLInputElement>('Provider value 1').value).toBe('lead');
    expect(screen.getByLabelText<HTMLInputElement>('Your value 2').value).toBe('Customer');
    expect(screen.getByLabelText<HTMLInputElement>('Otherwise').value).toBe('Other');
    expect(field('Separator', 4).value).toBe(';');
    expect(field('Default value', 5).value).toBe('free');
  });

  it('disables the source of a template (it has none)', () => {
    render(<MappingEditor rows={rows} onChange={noop} />);
    expect(field('Source path', 2).disabled).toBe(true);
    expect(field('Source path', 1).disabled).toBe(false);
  });

  it('has keyboard-usable move and remove buttons, with the ends disabled', () => {
    render(<MappingEditor rows={rows} onChange={noop} />);
    const button = (name: string) => screen.getByRole<HTMLButtonElement>('button', { name });
    expect(button('Move field 1 up').disabled).toBe(true);
    expect(button('Move field 5 down').disabled).toBe(true);
    expect(button('Move field 2 up').disabled).toBe(false);
    expect(button('Move field 2 up').type).toBe('button');
    expect(button('Remove field 3').type).toBe('button');
    expect(button('+ Add field')).toBeTruthy();
  });

  it('renders moved rows in their new order', () => {
    render(<MappingEditor rows={moveRow(rows, rows[4].id, -1)} onChange={noop} />);
    expect(targets()).toEqual(['email', 'fullName', 'stage', 'plan', 'tags']);
  });

  it('shows validation errors next to their field, and preview errors on their row', () => {
    render(
      <MappingEditor
        rows={rows}
        onChange={noop}
        errors={{ [rows[1].id]: { target: 'Row 2: target "1x" is not a valid field name' } }}
        previewErrors={{ [rows[0].id]: 'is required but the source "email" has no value' }}
      />,
    );
    const target = field('Target field', 2);
    expect(target.id).toBe('m-row-2-target');
    expect(target.getAttribute('aria-invalid')).toBe('true');
    expect(target.getAttribute('aria-describedby')).toBe('m-row-2-target-error');
    const alert = screen.getByRole('alert');
    expect(alert.id).toBe('m-row-2-target-error');
    expect(alert.textContent).toBe('Row 2: target "1x" is not a valid field name');
    const [first] = screen.getAllByRole('listitem');
    expect(text(first!)).toContain('Preview: email is required but the source "email" has no value');
  });
});

describe('MappingTable (read-only)', () => {
  it('lists the mappings with their transforms described, without inputs', () => {
    const { container } = render(<MappingTable mappings={MAPPINGS} />);
    expect(container.querySelectorAll('input, select, button')).toHaveLength(0);
    expect(screen.queryAllByRole('textbox')).toHaveLength(0);
    expect(screen.queryAllByRole('button')).toHaveLength(0);
    const table = text(screen.getByRole('table'));
    expect(table).toContain('Template: {{firstName}} {{lastName}}');
    expect(table).toContain('Value map: lead → "Lead", customer → "Customer"; else "Other"');
    expect(table).toContain('Split at ";"');
  });
});

describe('MappingEditor field discovery', () => {
  it('offers the discovered source paths to every source input, and no list without any', () => {
    const rows = rowsFromMappings(MAPPINGS.slice(0, 1));
    const { container, rerender } = render(
      <MappingEditor rows={rows} onChange={noop} sourceSuggestions={['properties.email', 'lines[0].sku']} />,
    );
    const list = container.querySelector('datalist[data-source-suggestions]')!;
    expect([...list.querySelectorAll('option')].map((o) => o.value)).toEqual(['properties.email', 'lines[0].sku']);
    expect(field('Source path', 1).getAttribute('list')).toBe(list.id);
    rerender(<MappingEditor rows={rows} onChange={noop} />);
    expect(container.querySelector('datalist')).toBeNull();
    expect(field('Source path', 1).hasAttribute('list')).toBe(false);
  });
});

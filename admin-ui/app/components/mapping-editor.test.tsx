import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
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
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('MappingEditor', () => {
  const rows = rowsFromMappings(MAPPINGS);
  const html = renderToStaticMarkup(<MappingEditor rows={rows} onChange={noop} />);

  it('renders one row per mapping, in order, with its values', () => {
    expect(html.match(/data-mapping-row=/g)).toHaveLength(5);
    const targets = [...html.matchAll(/id="m-row-\d+-target"[^>]*value="([^"]*)"/g)].map((m) => m[1]);
    expect(targets).toEqual(['email', 'fullName', 'stage', 'tags', 'plan']);
    expect(html).toMatch(/<option value="lowercase" selected="">Lowercase<\/option>/);
    expect(html).toMatch(/type="checkbox"[^>]*checked=""/);
  });

  it('labels every input', () => {
    const ids = [...html.matchAll(/<(?:input|select)[^>]*\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(10);
    for (const id of ids) expect(html).toContain(`for="${id}"`);
    expect(html).toContain('Source path');
    expect(html).toContain('Target field');
    expect(html).toContain('Default value');
  });

  it('shows the args input of each transform', () => {
    expect(html).toMatch(/id="m-row-2-template"[^>]*value="\{\{firstName\}\} \{\{lastName\}\}"/);
    expect(html).toMatch(/id="m-row-3-from-0"[^>]*value="lead"/);
    expect(html).toMatch(/id="m-row-3-to-1"[^>]*value="Customer"/);
    expect(html).toMatch(/id="m-row-3-fallback"[^>]*value="Other"/);
    expect(html).toMatch(/id="m-row-4-separator"[^>]*value=";"/);
    expect(html).toMatch(/id="m-row-5-default"[^>]*value="free"/);
  });

  it('disables the source of a template (it has none)', () => {
    expect(html).toMatch(/<input[^>]*id="m-row-2-source"[^>]*disabled=""/);
  });

  it('has keyboard-usable move and remove buttons, with the ends disabled', () => {
    expect(html).toMatch(/<button type="button"[^>]*disabled=""[^>]*aria-label="Move field 1 up"/);
    expect(html).toMatch(/<button type="button"[^>]*disabled=""[^>]*aria-label="Move field 5 down"/);
    expect(html).toMatch(/<button type="button"(?![^>]*disabled="")[^>]*aria-label="Move field 2 up"/);
    expect(html).toContain('aria-label="Remove field 3"');
    expect(html).toContain('+ Add field');
  });

  it('renders moved rows in their new order', () => {
    const moved = renderToStaticMarkup(<MappingEditor rows={moveRow(rows, rows[4].id, -1)} onChange={noop} />);
    const targets = [...moved.matchAll(/id="m-row-\d+-target"[^>]*value="([^"]*)"/g)].map((m) => m[1]);
    expect(targets).toEqual(['email', 'fullName', 'stage', 'plan', 'tags']);
  });

  it('shows validation errors next to their field, and preview errors on their row', () => {
    const withErrors = renderToStaticMarkup(
      <MappingEditor
        rows={rows}
        onChange={noop}
        errors={{ [rows[1].id]: { target: 'Row 2: target "1x" is not a valid field name' } }}
        previewErrors={{ [rows[0].id]: 'is required but the source "email" has no value' }}
      />,
    );
    expect(withErrors).toMatch(/<input[^>]*id="m-row-2-target"[^>]*aria-invalid="true"[^>]*aria-describedby="m-row-2-target-error"/);
    expect(withErrors).toMatch(/id="m-row-2-target-error" role="alert">Row 2: target &quot;1x&quot; is not a valid field name/);
    expect(text(withErrors)).toContain('Preview: email is required but the source "email" has no value'.replace(/"/g, '&quot;'));
  });
});

describe('MappingTable (read-only)', () => {
  it('lists the mappings with their transforms described, without inputs', () => {
    const html = renderToStaticMarkup(<MappingTable mappings={MAPPINGS} />);
    expect(html).not.toMatch(/<input|<select|<button/);
    expect(text(html)).toContain('Template: {{firstName}} {{lastName}}');
    expect(text(html)).toContain('Value map: lead → &quot;Lead&quot;, customer → &quot;Customer&quot;; else &quot;Other&quot;');
    expect(text(html)).toContain('Split at &quot;;&quot;');
  });
});

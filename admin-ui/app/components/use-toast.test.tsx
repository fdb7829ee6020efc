import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Toast } from './ui';
import { freshOutcome, useToast } from './use-toast';

const saved = { ok: true, message: 'Saved.' };
const refused = { ok: false, message: 'Not allowed: no.' };
const queued = { ok: true, message: 'Run queued.' };

describe('freshOutcome', () => {
  it('is the outcome that changed since the last render, entry by entry', () => {
    expect(freshOutcome([undefined, undefined], [undefined, saved])).toBe(saved);
    expect(freshOutcome([saved, undefined], [saved, queued])).toBe(queued);
  });

  it('is null when nothing changed, or an outcome went away', () => {
    expect(freshOutcome([saved, queued], [saved, queued])).toBeNull();
    expect(freshOutcome([saved], [undefined])).toBeNull();
  });

  it('a new answer counts even with the same text (each fetcher answer is a new object)', () => {
    expect(freshOutcome([saved], [{ ...saved }])).toEqual(saved);
  });

  it('skips errors when only successes make toasts', () => {
    expect(freshOutcome([undefined, undefined], [refused, undefined], true)).toBeNull();
    expect(freshOutcome([undefined, undefined], [refused, saved], true)).toBe(saved);
  });
});

function Page({ outcomes, successOnly }: { outcomes: ({ ok: boolean; message: string } | null | undefined)[]; successOnly?: boolean }) {
  return <Toast outcome={useToast(outcomes, { successOnly })} />;
}

describe('useToast with Toast', () => {
  it('shows an outcome already there at the first render (the flash after a redirect)', () => {
    const html = renderToStaticMarkup(<Page outcomes={[{ ok: true, message: 'Acme was deleted.' }]} />);
    expect(html).toContain('role="status"');
    expect(html).toContain('data-toast="success"');
    expect(html).toContain('Acme was deleted.');
  });

  it('shows an error as an alert', () => {
    const html = renderToStaticMarkup(<Page outcomes={[undefined, refused]} />);
    expect(html).toContain('role="alert"');
    expect(html).toContain('data-toast="error"');
    expect(html).toContain('Not allowed: no.');
  });

  it('renders nothing without an outcome, or with only an error when errors show by their fields', () => {
    expect(renderToStaticMarkup(<Page outcomes={[undefined, null]} />)).toBe('');
    expect(renderToStaticMarkup(<Page outcomes={[refused]} successOnly />)).toBe('');
  });
});

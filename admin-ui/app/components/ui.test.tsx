import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { errorAttributes, Field, Select } from './ui';

describe('Field with errorAttributes', () => {
  it('shows the error under the input, which is marked invalid and described by it', () => {
    const html = renderToStaticMarkup(
      <Field label="Role" htmlFor="member-role" error="Choose a role.">
        <Select id="member-role" {...errorAttributes('member-role', 'Choose a role.')} />
      </Field>,
    );
    expect(html).toMatch(/<select[^>]*aria-invalid="true"[^>]*aria-describedby="member-role-error"/);
    expect(html).toContain('<p class="mt-1 text-sm text-red-700" id="member-role-error" role="alert">Choose a role.</p>');
  });

  it('adds nothing without an error', () => {
    expect(errorAttributes('member-role', undefined)).toEqual({});
  });
});

// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookRegistrationPanel } from './webhook-registration';

const unregistered = { providerName: 'GitHub', registered: null };
const registered = {
  providerName: 'GitHub',
  registered: { target: 'octo-org/octo-repo', hookId: '12345678', updatedAt: '2026-12-07T12:00:00.000Z' },
};
const text = (container: HTMLElement) => (container.textContent ?? '').replace(/\s+/g, ' ');

afterEach(cleanup);

describe('WebhookRegistrationPanel', () => {
  it('offers admins the register button, submitting intent "register"', () => {
    render(<WebhookRegistrationPanel state={unregistered} canEdit pending={false} result={undefined} />);
    const button = screen.getByRole<HTMLButtonElement>('button', { name: 'Register with GitHub' });
    expect(button.type).toBe('submit');
    expect(button.name).toBe('intent');
    expect(button.value).toBe('register');
    expect(button.disabled).toBe(false);
  });

  it('shows the pending state and disables the button while registering', () => {
    render(<WebhookRegistrationPanel state={unregistered} canEdit pending result={{ ok: false, message: 'stale' }} />);
    const button = screen.getByRole<HTMLButtonElement>('button', { name: 'Registering with GitHub…' });
    expect(button.disabled).toBe(true);
    expect(button.getAttribute('aria-busy')).toBe('true');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows what is registered and the result: a success as status, a refusal as alert', () => {
    const { rerender, container } = render(
      <WebhookRegistrationPanel
        state={registered}
        canEdit
        pending={false}
        result={{ ok: true, message: 'Webhook updated on octo-org/octo-repo' }}
      />,
    );
    expect(text(container)).toContain('Registered with GitHub on octo-org/octo-repo (webhook 12345678');
    expect(screen.getByRole('button', { name: 'Register again with GitHub' })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Webhook updated on octo-org/octo-repo');
    rerender(
      <WebhookRegistrationPanel
        state={registered}
        canEdit
        pending={false}
        result={{ ok: false, message: 'Set "Repository" in the settings' }}
      />,
    );
    expect(screen.getByRole('alert').textContent).toBe('Set "Repository" in the settings');
  });

  it('has no button for viewers', () => {
    const { container } = render(<WebhookRegistrationPanel state={unregistered} canEdit={false} pending={false} result={undefined} />);
    expect(screen.queryByRole('button')).toBeNull();
    expect(text(container)).toContain('Admins register the webhook.');
  });
});

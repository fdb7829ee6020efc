// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { Time, TimeProvider } from './time';

afterEach(cleanup);

const NOW = Date.parse('2026-12-07T15:00:00.000Z');

describe('<Time>', () => {
  it('shows a relative time with the exact time in the person’s zone on hover', () => {
    const { container } = render(
      <TimeProvider timeZone="Europe/Berlin" followBrowser={false} now={NOW}>
        <Time at="2026-12-07T14:57:00.000Z" />
      </TimeProvider>,
    );
    const time = container.querySelector('time')!;
    expect(time.getAttribute('dateTime')).toBe('2026-12-07T14:57:00.000Z');
    expect(time.getAttribute('title')).toBe('Dec 7, 2026, 15:57:00 GMT+1');
    // The clock moved on to the real now after mounting: still a relative time, never the raw value.
    expect(time.textContent).toMatch(/ago$|^in |just now/);
  });

  it('shows the time of day for log lines and a fallback for no time', () => {
    const { container } = render(
      <TimeProvider timeZone="UTC" followBrowser={false} now={NOW}>
        <Time at="2026-12-07T14:57:01.250Z" format="clock" />
        <span data-testid="none">
          <Time at={null} fallback="Never" />
        </span>
      </TimeProvider>,
    );
    expect(container.querySelector('time')!.textContent).toBe('14:57:01.250');
    expect(container.querySelector('[data-testid="none"]')!.textContent).toBe('Never');
  });
});

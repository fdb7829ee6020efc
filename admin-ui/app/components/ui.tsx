import { Children, cloneElement, Fragment, isValidElement, type ComponentProps, type ReactElement, type ReactNode } from 'react';
import { Link } from 'react-router';

const cx = (...parts: (string | false | null | undefined)[]) => parts.filter(Boolean).join(' ');

const BUTTON = {
  primary: 'bg-brand-600 text-white hover:bg-brand-700 shadow-sm',
  secondary: 'bg-white text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 shadow-sm',
  danger: 'bg-red-600 text-white hover:bg-red-700 shadow-sm',
  ghost: 'text-slate-600 hover:bg-slate-100',
} as const;
const BUTTON_BASE =
  'inline-flex items-center justify-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-semibold transition disabled:cursor-not-allowed disabled:opacity-50';

export function Button({ variant = 'primary', className, ...props }: ComponentProps<'button'> & { variant?: keyof typeof BUTTON }) {
  return <button type="submit" {...props} className={cx(BUTTON_BASE, BUTTON[variant], className)} />;
}

export function LinkButton({ variant = 'primary', className, ...props }: ComponentProps<typeof Link> & { variant?: keyof typeof BUTTON }) {
  return <Link {...props} className={cx(BUTTON_BASE, BUTTON[variant], className)} />;
}

const STATUS_STYLES: Record<string, string> = {
  ACTIVE: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  succeeded: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  INACTIVE: 'bg-slate-100 text-slate-600 ring-slate-500/20',
  queued: 'bg-slate-100 text-slate-600 ring-slate-500/20',
  cancelled: 'bg-slate-100 text-slate-600 ring-slate-500/20',
  ERROR: 'bg-red-50 text-red-700 ring-red-600/20',
  failed: 'bg-red-50 text-red-700 ring-red-600/20',
  error: 'bg-red-50 text-red-700 ring-red-600/20',
  SYNCING: 'bg-sky-50 text-sky-700 ring-sky-600/20',
  running: 'bg-sky-50 text-sky-700 ring-sky-600/20',
  PAUSED: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  warn: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  suspended: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  active: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  info: 'bg-slate-100 text-slate-600 ring-slate-500/20',
  debug: 'bg-slate-50 text-slate-500 ring-slate-400/20',
  // Webhook events received from providers.
  processed: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  accepted: 'bg-sky-50 text-sky-700 ring-sky-600/20',
  duplicate: 'bg-slate-100 text-slate-600 ring-slate-500/20',
  ignored: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  rejected: 'bg-red-50 text-red-700 ring-red-600/20',
  // Writes of a push, and conflicts.
  applied: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  conflict: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  skipped: 'bg-slate-100 text-slate-600 ring-slate-500/20',
  open: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  resolved: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
};

/** A status (integration, run, log level, organization) as a coloured pill with its text. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span
      data-status={status}
      className={cx(
        'inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset',
        STATUS_STYLES[status] ?? STATUS_STYLES.INACTIVE,
      )}
    >
      {(status === 'SYNCING' || status === 'running') && <span className="size-1.5 animate-pulse rounded-full bg-sky-500" aria-hidden />}
      {status}
    </span>
  );
}

export function Card({
  title,
  actions,
  children,
  className,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={cx('rounded-lg bg-white shadow-sm ring-1 ring-slate-200', className)}>
      {(title || actions) && (
        <header className="flex items-center justify-between gap-4 border-b border-slate-100 px-5 py-3">
          {title && <h2 className="text-sm font-semibold text-slate-900">{title}</h2>}
          {actions && <div className="flex items-center gap-2">{actions}</div>}
        </header>
      )}
      <div className="p-5">{children}</div>
    </section>
  );
}

export function PageHeader({ title, description, actions }: { title: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 className="text-2xl font-bold tracking-tight text-slate-900">{title}</h1>
        {description && <p className="mt-1 text-sm text-slate-600">{description}</p>}
      </div>
      {actions && <div className="flex items-center gap-2">{actions}</div>}
    </div>
  );
}

export function EmptyState({ title, description, action }: { title: string; description?: ReactNode; action?: ReactNode }) {
  return (
    <div className="rounded-lg border-2 border-dashed border-slate-200 px-6 py-12 text-center" data-empty-state>
      <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
      {description && <p className="mx-auto mt-1 max-w-md text-sm text-slate-500">{description}</p>}
      {action && <div className="mt-5">{action}</div>}
    </div>
  );
}

export function ErrorNote({ children }: { children: ReactNode }) {
  return (
    <div role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-800 ring-1 ring-inset ring-red-600/20">
      {children}
    </div>
  );
}

const INPUT =
  'block w-full rounded-md border-0 bg-white px-2.5 py-1.5 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-brand-600 disabled:bg-slate-50 disabled:text-slate-500 aria-invalid:ring-2 aria-invalid:ring-red-600 aria-invalid:focus:ring-red-600';

export function Input({ className, ...props }: ComponentProps<'input'>) {
  return <input {...props} className={cx(INPUT, className)} />;
}

export function Select({ className, ...props }: ComponentProps<'select'>) {
  return <select {...props} className={cx(INPUT, 'pr-8', className)} />;
}

export function Textarea({ className, ...props }: ComponentProps<'textarea'>) {
  return <textarea {...props} className={cx(INPUT, 'font-mono', className)} />;
}

/** A labelled form field with its hint and its error right under it. */
export function Field({
  label,
  htmlFor,
  hint,
  error,
  children,
}: {
  label: string;
  htmlFor: string;
  hint?: ReactNode;
  error?: string;
  children: ReactNode;
}) {
  return (
    <div>
      <label htmlFor={htmlFor} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <div className="mt-1">{children}</div>
      {error ? (
        <p className="mt-1 text-sm text-red-700" id={`${htmlFor}-error`} role="alert">
          {error}
        </p>
      ) : hint ? (
        <p className="mt-1 text-xs text-slate-500">{hint}</p>
      ) : null}
    </div>
  );
}

/** The attributes tying an input to the error its `Field` shows (`${htmlFor}-error`); none without an error. */
export function errorAttributes(htmlFor: string, error: string | undefined) {
  return error ? { 'aria-invalid': true, 'aria-describedby': `${htmlFor}-error` } : {};
}

/** A success or error message after a mutation. `role=status` so screen readers announce it. */
export function Toast({ outcome }: { outcome: { ok: boolean; message: string } | null | undefined }) {
  if (!outcome) return null;
  return (
    <div
      role={outcome.ok ? 'status' : 'alert'}
      data-toast={outcome.ok ? 'success' : 'error'}
      className={cx(
        'fixed bottom-5 right-5 z-50 max-w-sm rounded-lg px-4 py-3 text-sm shadow-lg ring-1',
        outcome.ok ? 'bg-slate-900 text-white ring-slate-900' : 'bg-red-50 text-red-800 ring-red-600/30',
      )}
    >
      {outcome.message}
    </div>
  );
}

/**
 * A table at 640 px and wider; below that each row is a card of "label: value" lines (no sideways scrolling on a
 * phone). The labels come from `head`: each cell written directly in a row (`<tr><Td>…`) is given its column's
 * name as `data-label`, which app.css shows before the value.
 */
export function Table({ head, children, empty }: { head: ReactNode[]; children: ReactNode; empty?: ReactNode }) {
  const labels = head.map((h) => (typeof h === 'string' ? h : ''));
  return (
    // `relative`: screen-reader-only labels inside cells are positioned absolutely; without it they escape the
    // scroll box and make the whole page scroll sideways.
    <div className="relative overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <table className="table-stack min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50">
          <tr>
            {head.map((h, i) => (
              <th key={i} scope="col" className="px-4 py-2.5 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{labelCells(children, labels)}</tbody>
      </table>
      {empty}
    </div>
  );
}

/** Rows (through fragments and arrays) with each direct cell given its column's label. */
function labelCells(children: ReactNode, labels: string[]): ReactNode {
  return Children.map(children, (child) => {
    if (!isValidElement<{ children?: ReactNode }>(child)) return child;
    if (child.type === Fragment) return cloneElement(child, {}, labelCells(child.props.children, labels));
    if (child.type !== 'tr') return child;
    let column = 0;
    const cells = Children.map(child.props.children, (cell) => {
      if (!isValidElement<{ colSpan?: number }>(cell)) return cell;
      const label = labels[column];
      column += cell.props.colSpan ?? 1;
      return label ? cloneElement(cell as ReactElement<Record<string, unknown>>, { 'data-label': label }) : cell;
    });
    return cloneElement(child, {}, cells);
  });
}

export const Td = ({ className, ...props }: ComponentProps<'td'>) => (
  <td {...props} className={cx('whitespace-nowrap px-4 py-2.5 text-slate-700', className)} />
);

const AVATAR_COLOURS = [
  'bg-indigo-700',
  'bg-emerald-700',
  'bg-sky-700',
  'bg-rose-700',
  'bg-amber-700',
  'bg-violet-700',
  'bg-teal-700',
  'bg-fuchsia-700',
];

/** A provider's initials on a stable colour (logos are trademarks we do not ship). */
export function ProviderAvatar({ providerKey, name, size = 'md' }: { providerKey: string; name: string; size?: 'sm' | 'md' | 'lg' }) {
  const initials = name
    .split(/[\s_-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
  let hash = 0;
  for (const ch of providerKey) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const sizes = { sm: 'size-7 text-[11px]', md: 'size-9 text-xs', lg: 'size-12 text-sm' };
  return (
    <span
      aria-hidden
      className={cx(
        'inline-flex shrink-0 items-center justify-center rounded-md font-bold text-white',
        sizes[size],
        AVATAR_COLOURS[hash % AVATAR_COLOURS.length],
      )}
    >
      {initials}
    </span>
  );
}

/** "Next page" link for cursor-paginated lists. */
export function Pager({
  nextCursor,
  makeHref,
  resetHref,
}: {
  nextCursor: string | null;
  makeHref: (cursor: string) => string;
  resetHref?: string | null;
}) {
  if (!nextCursor && !resetHref) return null;
  return (
    <nav className="mt-4 flex justify-end gap-2" aria-label="Pagination">
      {resetHref && (
        <LinkButton variant="secondary" to={resetHref}>
          First page
        </LinkButton>
      )}
      {nextCursor && (
        <LinkButton variant="secondary" to={makeHref(nextCursor)}>
          Next page →
        </LinkButton>
      )}
    </nav>
  );
}

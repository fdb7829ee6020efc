import { useId, useRef, useState } from 'react';

/**
 * A value to copy (the OAuth callback URL an admin pastes into the provider's console), shown whole and
 * wrapped rather than cut off in an input. Without the Clipboard API (plain http on another host) the
 * text is selected instead, so Ctrl+C copies it.
 */
export function CopyField({ label, value }: { label: string; value: string }) {
  const id = useId();
  const text = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState<'yes' | 'select' | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      if (text.current) window.getSelection()?.selectAllChildren(text.current);
      setCopied('select');
    }
    setTimeout(() => setCopied(null), 2500);
  }

  return (
    <div>
      <div className="flex items-center justify-between gap-2">
        <span id={id} className="text-sm font-medium text-slate-700">
          {label}
        </span>
        <button
          type="button"
          onClick={copy}
          aria-describedby={id}
          className="rounded-md bg-white px-2.5 py-1 text-xs font-semibold text-slate-700 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
        >
          {copied === 'yes' ? 'Copied ✓' : 'Copy'}
        </button>
      </div>
      <code
        ref={text}
        aria-labelledby={id}
        className="mt-1.5 block break-all rounded-md bg-slate-50 px-2.5 py-2 font-mono text-xs text-slate-800 ring-1 ring-inset ring-slate-200"
      >
        {value}
      </code>
      <p className="mt-1 text-xs text-slate-500" aria-live="polite">
        {copied === 'select' ? 'Selected: press Ctrl+C (⌘C) to copy.' : ''}
      </p>
    </div>
  );
}

import { useId, useRef, useState } from 'react';
import { Input } from './ui';

/**
 * A read-only value with a Copy button (the OAuth callback URL an admin pastes into the provider's console).
 * Without the Clipboard API (plain http on another host) the text is selected so Ctrl+C copies it.
 */
export function CopyField({ label, value, hint }: { label: string; value: string; hint?: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'select' | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      input.current?.select();
      setCopied('select');
    }
    setTimeout(() => setCopied(null), 2500);
  }

  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">{label}</label>
      <div className="mt-1 flex gap-2">
        <Input ref={input} id={id} readOnly value={value} className="font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={copy}
          className="inline-flex shrink-0 items-center rounded-md bg-white px-3 py-1.5 text-sm font-semibold text-slate-700 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50">
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p className="mt-1 text-xs text-slate-500" aria-live="polite">
        {copied === 'select' ? 'Selected: press Ctrl+C (⌘C) to copy.' : hint}
      </p>
    </div>
  );
}

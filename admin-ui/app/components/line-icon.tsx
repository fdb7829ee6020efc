/** The header's square icon buttons and links (theme toggle, the profile link on a phone) share one look. */
export const ICON_BUTTON_CLASS = 'inline-flex size-8 shrink-0 items-center justify-center rounded-md text-slate-600 hover:bg-slate-100';

/** An icon drawn inline from one path (24-unit viewBox, stroked in the text colour); decorative, so hidden from assistive technology. */
export function LineIcon({ d }: { d: string }) {
  return (
    <svg
      viewBox="0 0 24 24"
      className="size-5"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden
    >
      <path d={d} />
    </svg>
  );
}

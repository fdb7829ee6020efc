// Placeholder: this page is being built (see issue 5).
export default function Page() {
  return <p className="text-sm text-slate-500">This page is not built yet.</p>;
}

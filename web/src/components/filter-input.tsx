import { useDebouncedFilter } from './use-debounced-filter.ts';

/**
 * A list's text filter: what is typed reaches the URL (through `onCommit`) once typing pauses, and the box follows the
 * URL when it changes from elsewhere (back, a link that clears it, another repository), so an old filter is never
 * written back.
 */
export function FilterInput({ label, value, onCommit, placeholder, className = 'w-64' }: {
  label: string; value: string; onCommit: (v: string) => void; placeholder?: string; className?: string;
}) {
  const [draft, setDraft] = useDebouncedFilter(value, onCommit);
  return (
    <label className="block text-sm">
      <span className="block font-medium">{label}</span>
      <input type="search" value={draft} placeholder={placeholder} onChange={(e) => setDraft(e.target.value)}
        className={`mt-1 max-w-full rounded border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 ${className}`} />
    </label>
  );
}

import { useEffect, useState, type FormEvent } from 'react';
import { FilterSelect } from '../ui/fields.tsx';
import { useText } from './text.ts';

/**
 * A list's status filter: a select and "Filter" (applying the same status again reads the list
 * again, which shows what changed since).
 */
export function StatusFilter<S extends string>({ id, label, statuses, text, applied, onApply }: { id: string; label: string; statuses: readonly S[]; text(s: S): string; applied: S | ''; onApply(s: S | ''): void }) {
  const { xt } = useText();
  const [chosen, setChosen] = useState<S | ''>(applied);
  useEffect(() => setChosen(applied), [applied]);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    onApply(chosen);
  };
  return (
    <form className="form form--inline partner-filter" noValidate onSubmit={submit} role="search" aria-label={label}>
      <FilterSelect id={id} name="status" label={xt('filter.status')} any={xt('filter.any')} options={statuses.map((s) => ({ value: s, label: text(s) }))} value={chosen} onChange={setChosen} />
      <button type="submit" className="button button--secondary">
        {xt('filter.apply')}
      </button>
    </form>
  );
}

import { useEffect, useState } from 'preact/hooks';

type Props = {
  name: string;
  placeholder?: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
  /** What the page has taken from the box (what it shows when nobody is typing). */
  value: string;
  /** The typed text, taken when the box is left or Enter is pressed; returns what the box then shows. */
  onCommit: (text: string) => string;
};

/**
 * A text box whose typing the page takes only when it is left (or on Enter), and which a redraw never undoes.
 *
 * A controlled input shows its state on every render: typed text not yet taken went back to the old value whenever
 * the page redrew before the box was left (a live item, a report refresh every few seconds while a read model is
 * partial), and leaving it then changed nothing. Here what is typed is the box's own state from the first key, so a
 * redraw keeps it; the page's value replaces it only when that value changes.
 */
export function TextField({ value, onCommit, ...rest }: Props) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return (
    <input
      {...rest}
      value={draft}
      onInput={(e) => setDraft(e.currentTarget.value)}
      onChange={(e) => setDraft(onCommit(e.currentTarget.value))}
    />
  );
}

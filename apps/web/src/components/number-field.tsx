import { useEffect, useId, useState } from "react";
import { clampTyped } from "../lib/clamp-note.ts";

/**
 * A whole-number input that commits on Enter or blur, so typing never reconnects mid-number. A
 * value out of bounds or with a fraction is corrected, and the field says what it used instead.
 */
export function NumberField({
  label,
  value,
  bounds,
  onCommit,
  unit,
}: {
  readonly label: string;
  readonly value: number;
  readonly bounds: { readonly min: number; readonly max: number };
  readonly onCommit: (value: number) => void;
  readonly unit: string;
}) {
  const id = useId();
  const [text, setText] = useState(String(value));
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => setText(String(value)), [value]);
  const commit = () => {
    const result = clampTyped(text, bounds);
    if (result === null) {
      setText(String(value));
      setNote(text.trim() === "" ? null : `“${text.trim()}” is not a number: kept ${value}`);
      return;
    }
    setText(String(result.value));
    setNote(result.note);
    if (result.value !== value) onCommit(result.value);
  };
  return (
    <span className="field">
      <label htmlFor={id}>
        {label} ({unit})
      </label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={bounds.min}
        max={bounds.max}
        value={text}
        aria-describedby={note === null ? undefined : `${id}-note`}
        onChange={(e) => {
          setText(e.target.value);
          setNote(null);
        }}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") commit();
        }}
      />
      {note !== null && (
        <span id={`${id}-note`} className="field-note" role="status">
          {note}
        </span>
      )}
    </span>
  );
}

/**
 * Entity label search with autocomplete (ARIA combobox): debounced `/graph/label/search`,
 * arrow keys move through the suggestions, Enter picks one (or searches the typed text).
 */
import { useSignal, useSignalEffect } from "@preact/signals";
import { api } from "../api/client";

const DEBOUNCE_MS = 200;

export function LabelSearch({ initial, onPick }: { initial: string; onPick: (label: string) => void }) {
  const text = useSignal(initial);
  const options = useSignal<string[]>([]);
  const open = useSignal(false);
  const active = useSignal(-1);

  useSignalEffect(() => {
    const q = text.value.trim();
    if (q === "" || q === "*" || !open.value) {
      options.value = [];
      return;
    }
    const timer = setTimeout(() => {
      api<string[]>(`/graph/label/search?q=${encodeURIComponent(q)}&limit=20`)
        .then((found) => {
          options.value = found;
          active.value = -1;
        })
        .catch(() => (options.value = []));
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  });

  const pick = (label: string) => {
    text.value = label;
    open.value = false;
    options.value = [];
    onPick(label);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const count = options.value.length;
    if (e.key === "ArrowDown" && count > 0) {
      e.preventDefault();
      open.value = true;
      active.value = (active.value + 1) % count;
    } else if (e.key === "ArrowUp" && count > 0) {
      e.preventDefault();
      active.value = (active.value - 1 + count) % count;
    } else if (e.key === "Enter") {
      e.preventDefault();
      const chosen = options.value[active.value];
      pick(chosen ?? text.value.trim());
    } else if (e.key === "Escape") {
      open.value = false;
    }
  };

  const listId = "label-suggestions";
  return (
    <div class="relative">
      <label class="inline">
        Entity
        <input
          role="combobox"
          aria-expanded={open.value && options.value.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={active.value >= 0 ? `label-option-${active.value}` : undefined}
          placeholder="Search entities (* for all)"
          value={text.value}
          onInput={(e) => {
            text.value = e.currentTarget.value;
            open.value = true;
          }}
          onKeyDown={onKeyDown}
          onBlur={() => setTimeout(() => (open.value = false), 150)}
          size={28}
        />
      </label>
      {open.value && options.value.length > 0 && (
        <div id={listId} role="listbox" class="listbox" aria-label="Matching entities">
          {options.value.map((label, i) => (
            <div
              key={label}
              id={`label-option-${i}`}
              role="option"
              tabIndex={-1}
              aria-selected={i === active.value}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(label);
              }}
            >
              {label}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

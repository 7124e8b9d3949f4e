/**
 * Workspace switcher: a select for users with several workspaces (the service checks
 * membership), a free text field for guests (open mode accepts any valid name).
 */
import { useSignal } from "@preact/signals";
import { patchSession, session } from "../api/session";

const WORKSPACE_PATTERN = /^[A-Za-z0-9_]{1,64}$/;

export function WorkspaceSwitcher() {
  const current = session.value;
  const draft = useSignal(current?.workspace ?? "");
  if (!current) return null;
  if (current.kind === "user") {
    if (current.workspaces.length <= 1)
      return (
        <span class="badge" title="Workspace">
          {current.workspace}
        </span>
      );
    return (
      <label class="inline">
        Workspace
        <select
          value={current.workspace}
          onChange={(e) => patchSession({ workspace: e.currentTarget.value })}
        >
          {current.workspaces.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
    );
  }
  return (
    <form
      class="inline"
      onSubmit={(e) => {
        e.preventDefault();
        if (WORKSPACE_PATTERN.test(draft.value)) patchSession({ workspace: draft.value });
      }}
    >
      <label class="inline">
        Workspace
        <input
          size={10}
          value={draft.value}
          pattern="[A-Za-z0-9_]{1,64}"
          onInput={(e) => (draft.value = e.currentTarget.value)}
          onBlur={() => WORKSPACE_PATTERN.test(draft.value) && patchSession({ workspace: draft.value })}
        />
      </label>
    </form>
  );
}

/**
 * Administration: users, workspace memberships, API keys (the key shown once at creation),
 * runtime flags (read-only mode first), backups (list, create, restore), the audit log with
 * filters, LLM usage and the providers' circuits. Each section loads on its own, so a refused
 * or failing one (e.g. users with accounts off) does not hide the others.
 */
import { type Signal, useSignal, useSignalEffect } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { api } from "../api/client";
import { session } from "../api/session";
import {
  AUDIT_EVENT_TYPES,
  AUDIT_OUTCOMES,
  type AuditFilters,
  apiKeyBody,
  auditQuery,
  type ChainLink,
  circuitRows,
  type KeyForm,
  type RestoreProgress,
  restoreBody,
  restoreSummary,
  type UsageRow,
  usageByModel,
} from "../lib/admin";
import { formatTime } from "../lib/format";

const ROLES = ["viewer", "user", "administrator"] as const;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Runs an admin action: `status` shows `done` or the error, and `version` moves on so the
 * section's lists reload.
 */
function useAction(version: Signal<number>) {
  const status = useSignal<string | null>(null);
  const act = async (run: () => Promise<unknown>, done: string) => {
    try {
      await run();
      status.value = done;
      version.value++;
    } catch (e) {
      status.value = message(e);
    }
  };
  return { status, act };
}

/** Loads `path` whenever `version` (or the session's workspace) changes. */
function useLoad<T>(path: () => string | null, version: Signal<number>) {
  const data = useSignal<T | null>(null);
  const error = useSignal<string | null>(null);
  useSignalEffect(() => {
    void version.value;
    void session.value?.workspace;
    const target = path();
    if (!target) return;
    let cancelled = false;
    api<T>(target)
      .then((body) => {
        if (!cancelled) {
          data.value = body;
          error.value = null;
        }
      })
      .catch((e: unknown) => {
        if (!cancelled) error.value = message(e);
      });
    return () => {
      cancelled = true;
    };
  });
  return { data, error };
}

function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="card" aria-labelledby={`${id}-title`} data-testid={`admin-${id}`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

function Failure({ text }: { text: string | null }) {
  return text ? (
    <p role="alert" class="error">
      {text}
    </p>
  ) : null;
}

interface User {
  id: string;
  username: string;
  role: string;
  disabled: boolean;
  workspaces: string[];
  last_login_at: string | null;
}

function Users() {
  const version = useSignal(0);
  const { data, error } = useLoad<{ users: User[] }>(() => "/admin/users?limit=200", version);
  const form = useSignal({ username: "", password: "", role: "viewer", workspaces: "" });
  const { status, act } = useAction(version);
  const create = (e: Event) => {
    e.preventDefault();
    const f = form.value;
    const workspaces = f.workspaces
      .split(",")
      .map((w) => w.trim())
      .filter(Boolean);
    void act(
      () =>
        api("/admin/users", {
          method: "POST",
          json: {
            username: f.username,
            password: f.password,
            role: f.role,
            ...(workspaces.length ? { workspaces } : {}),
          },
        }),
      `User ${f.username} created`,
    );
    form.value = { username: "", password: "", role: "viewer", workspaces: "" };
  };
  return (
    <Section id="users" title="Users">
      <Failure text={error.value} />
      {data.value && (
        <table>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Workspaces</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {data.value.users.map((user) => (
              <tr key={user.id}>
                <th scope="row">
                  {user.username} {user.disabled && <span class="badge warn">disabled</span>}
                </th>
                <td>{user.role}</td>
                <td>{user.workspaces.join(", ")}</td>
                <td>{formatTime(user.last_login_at)}</td>
                <td>
                  <button
                    type="button"
                    onClick={() =>
                      void act(
                        () =>
                          api(`/admin/users/${user.id}`, {
                            method: "PATCH",
                            json: { disabled: !user.disabled },
                          }),
                        `${user.username} ${user.disabled ? "enabled" : "disabled"}`,
                      )
                    }
                  >
                    {user.disabled ? "Enable" : "Disable"}
                  </button>{" "}
                  <button
                    type="button"
                    onClick={() =>
                      confirm(`Delete ${user.username} and the API keys they created?`) &&
                      void act(
                        () => api(`/admin/users/${user.id}`, { method: "DELETE" }),
                        `${user.username} deleted`,
                      )
                    }
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="row" onSubmit={create} aria-label="New user">
        <label>
          Username{" "}
          <input
            required
            value={form.value.username}
            onInput={(e) => (form.value = { ...form.value, username: (e.target as HTMLInputElement).value })}
          />
        </label>
        <label>
          New user password{" "}
          <input
            required
            type="password"
            autoComplete="new-password"
            value={form.value.password}
            onInput={(e) => (form.value = { ...form.value, password: (e.target as HTMLInputElement).value })}
          />
        </label>
        <label>
          Role{" "}
          <select
            value={form.value.role}
            onChange={(e) => (form.value = { ...form.value, role: (e.target as HTMLSelectElement).value })}
          >
            {ROLES.map((role) => (
              <option key={role}>{role}</option>
            ))}
          </select>
        </label>
        <label>
          Workspaces (comma-separated){" "}
          <input
            value={form.value.workspaces}
            onInput={(e) =>
              (form.value = { ...form.value, workspaces: (e.target as HTMLInputElement).value })
            }
          />
        </label>
        <button type="submit">Create user</button>
      </form>
      {status.value && <p role="status">{status.value}</p>}
    </Section>
  );
}

function Memberships() {
  const version = useSignal(0);
  const workspaces = useLoad<{ workspaces: Array<{ id: string; display_name: string }> }>(
    () => "/admin/workspaces",
    version,
  );
  const selected = useSignal("");
  const members = useLoad<{ members: Array<{ user_id: string; username: string }> }>(
    () => (selected.value ? `/admin/workspaces/${selected.value}/members` : null),
    version,
  );
  const userId = useSignal("");
  const newWorkspace = useSignal("");
  const { status, act } = useAction(version);
  return (
    <Section id="memberships" title="Workspaces and memberships">
      <Failure text={workspaces.error.value} />
      <div class="row">
        <label>
          Workspace{" "}
          <select
            value={selected.value}
            onChange={(e) => (selected.value = (e.target as HTMLSelectElement).value)}
          >
            <option value="">choose…</option>
            {workspaces.data.value?.workspaces.map((w) => (
              <option key={w.id} value={w.id}>
                {w.display_name === w.id ? w.id : `${w.display_name} (${w.id})`}
              </option>
            ))}
          </select>
        </label>
        <form
          class="inline"
          aria-label="New workspace"
          onSubmit={(e) => {
            e.preventDefault();
            void act(
              () => api("/admin/workspaces", { method: "POST", json: { id: newWorkspace.value } }),
              `Workspace ${newWorkspace.value} created`,
            );
          }}
        >
          <label>
            New workspace{" "}
            <input
              value={newWorkspace.value}
              pattern="[A-Za-z0-9_]{1,64}"
              onInput={(e) => (newWorkspace.value = (e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit">Create</button>
        </form>
      </div>
      {selected.value && (
        <>
          <Failure text={members.error.value} />
          <ul>
            {members.data.value?.members.map((m) => (
              <li key={m.user_id}>
                {m.username}{" "}
                <button
                  type="button"
                  onClick={() =>
                    void act(
                      () =>
                        api(`/admin/workspaces/${selected.value}/members/${m.user_id}`, { method: "DELETE" }),
                      `${m.username} removed`,
                    )
                  }
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <form
            class="inline"
            aria-label="Add member"
            onSubmit={(e) => {
              e.preventDefault();
              void act(
                () =>
                  api(`/admin/workspaces/${selected.value}/members`, {
                    method: "POST",
                    json: { user_id: userId.value },
                  }),
                "Member added",
              );
            }}
          >
            <label>
              User id{" "}
              <input
                value={userId.value}
                onInput={(e) => (userId.value = (e.target as HTMLInputElement).value)}
              />
            </label>
            <button type="submit">Add member</button>
          </form>
        </>
      )}
      {status.value && <p role="status">{status.value}</p>}
    </Section>
  );
}

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  role: string;
  workspace: string;
  expires_at: string | null;
  last_used_at: string | null;
}

function ApiKeys() {
  const version = useSignal(0);
  const { data, error } = useLoad<{ api_keys: ApiKey[] }>(() => "/admin/api-keys", version);
  const form = useSignal<KeyForm>({
    name: "",
    role: "viewer",
    workspace: session.value?.workspace ?? "default",
    expiresInDays: "",
  });
  const created = useSignal<{ name: string; key: string } | null>(null);
  const status = useSignal<string | null>(null);
  const create = async (e: Event) => {
    e.preventDefault();
    const body = apiKeyBody(form.value);
    if (!body.ok) {
      status.value = body.error;
      return;
    }
    try {
      const answer = await api<{ name: string; api_key: string }>("/admin/api-keys", {
        method: "POST",
        json: body.body,
      });
      created.value = { name: answer.name, key: answer.api_key };
      status.value = null;
      form.value = { ...form.value, name: "" };
      version.value++;
    } catch (err) {
      status.value = message(err);
    }
  };
  const set = (key: keyof KeyForm) => (e: Event) => {
    form.value = { ...form.value, [key]: (e.target as HTMLInputElement).value };
  };
  return (
    <Section id="api-keys" title="API keys">
      <Failure text={error.value} />
      {created.value && (
        <div class="notice" role="status" data-testid="new-api-key">
          <p>
            Key <strong>{created.value.name}</strong>: copy it now, it is shown only once.
          </p>
          <p class="secret">{created.value.key}</p>
          <button type="button" onClick={() => void navigator.clipboard?.writeText(created.value?.key ?? "")}>
            Copy
          </button>{" "}
          <button type="button" onClick={() => (created.value = null)}>
            Done
          </button>
        </div>
      )}
      {data.value && (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Role</th>
              <th scope="col">Workspace</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {data.value.api_keys.map((key) => (
              <tr key={key.id}>
                <th scope="row">{key.name}</th>
                <td>{key.prefix}…</td>
                <td>{key.role}</td>
                <td>{key.workspace}</td>
                <td>{formatTime(key.expires_at) || "never"}</td>
                <td>{formatTime(key.last_used_at)}</td>
                <td>
                  <button
                    type="button"
                    onClick={async () => {
                      if (!confirm(`Revoke ${key.name} and every key it created?`)) return;
                      try {
                        await api(`/admin/api-keys/${key.id}`, { method: "DELETE" });
                        version.value++;
                      } catch (err) {
                        status.value = message(err);
                      }
                    }}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="row" onSubmit={create} aria-label="New API key">
        <label>
          Key name <input value={form.value.name} onInput={set("name")} />
        </label>
        <label>
          Key role{" "}
          <select value={form.value.role} onChange={set("role")}>
            {ROLES.map((role) => (
              <option key={role}>{role}</option>
            ))}
          </select>
        </label>
        <label>
          Key workspace <input value={form.value.workspace} onInput={set("workspace")} />
        </label>
        <label>
          Expires in days{" "}
          <input
            inputMode="numeric"
            value={form.value.expiresInDays}
            onInput={set("expiresInDays")}
            placeholder="never"
          />
        </label>
        <button type="submit">Create API key</button>
      </form>
      {status.value && (
        <p role="alert" class="error">
          {status.value}
        </p>
      )}
    </Section>
  );
}

interface FlagsView {
  flags: Record<string, boolean>;
  defaults: Record<string, boolean>;
  overrides: Record<string, boolean>;
  read_only_workspaces: Record<string, { reason: string; since: string; by: string }>;
  updated_at: string | null;
  updated_by: string | null;
  cache_seconds: number;
}

function Flags() {
  const version = useSignal(0);
  const { data, error } = useLoad<FlagsView>(() => "/admin/flags", version);
  const status = useSignal<string | null>(null);
  const put = async (body: Record<string, unknown>, done: string) => {
    try {
      await api("/admin/flags", { method: "PUT", json: body });
      status.value = done;
      version.value++;
    } catch (e) {
      status.value = message(e);
      version.value++;
    }
  };
  const view = data.value;
  const names = view
    ? ["READ_ONLY_MODE", ...Object.keys(view.flags).filter((n) => n !== "READ_ONLY_MODE")]
    : [];
  return (
    <Section id="flags" title="Runtime flags">
      <Failure text={error.value} />
      {view && (
        <>
          {view.flags.READ_ONLY_MODE && (
            <p class="notice" role="status">
              Read-only mode is on: uploads, deletions and edits are refused.
            </p>
          )}
          <table>
            <thead>
              <tr>
                <th scope="col">Flag</th>
                <th scope="col">On</th>
                <th scope="col">Default</th>
                <th scope="col">Override</th>
              </tr>
            </thead>
            <tbody>
              {names.map((name) => (
                <tr key={name}>
                  <th scope="row">
                    <label for={`flag-${name}`}>{name}</label>
                  </th>
                  <td>
                    <input
                      id={`flag-${name}`}
                      type="checkbox"
                      checked={view.flags[name]}
                      onChange={(e) => {
                        const on = (e.target as HTMLInputElement).checked;
                        // Optimistic: the box keeps its new state until the reload (or an error) says otherwise.
                        data.value = { ...view, flags: { ...view.flags, [name]: on } };
                        void put({ [name]: on }, `${name} changed`);
                      }}
                    />
                  </td>
                  <td>{String(view.defaults[name])}</td>
                  <td>
                    {name in view.overrides ? (
                      <button type="button" onClick={() => void put({ [name]: null }, `${name} reset`)}>
                        Reset to default
                      </button>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {Object.keys(view.read_only_workspaces).length > 0 && (
            <>
              <h3>Locked workspaces</h3>
              <ul>
                {Object.entries(view.read_only_workspaces).map(([ws, lock]) => (
                  <li key={ws}>
                    {ws}: {lock.reason} (since {formatTime(lock.since)}, by {lock.by}){" "}
                    <button
                      type="button"
                      onClick={() => void put({ workspace_read_only: { [ws]: false } }, `${ws} unlocked`)}
                    >
                      Unlock
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
          <p class="muted">
            Changes reach every isolate within {view.cache_seconds} s.
            {view.updated_at && ` Last change ${formatTime(view.updated_at)} by ${view.updated_by ?? "?"}.`}
          </p>
        </>
      )}
      {status.value && <p role="status">{status.value}</p>}
    </Section>
  );
}

interface Backup {
  id: string;
  status: string;
  completed_at?: string;
  /** The workspaces the backup holds. */
  workspaces?: string[];
  error?: string;
}

const RESTORE_POLL_MS = 1_000;

/** Polls a started restore until it completes or fails; the page shows each state. */
function useRestoreProgress() {
  const progress = useSignal<RestoreProgress | null>(null);
  const failure = useSignal<string | null>(null);
  const watched = useSignal<{ id: string; target: string } | null>(null);
  useSignalEffect(() => {
    const target = watched.value;
    if (!target) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const tick = async () => {
      try {
        const state = await api<RestoreProgress>(
          `/admin/backups/${encodeURIComponent(target.id)}/restore?target_workspace=${encodeURIComponent(target.target)}`,
        );
        if (stopped) return;
        progress.value = state;
        failure.value = null;
        if (state.status === "running") timer = setTimeout(tick, RESTORE_POLL_MS);
      } catch (e) {
        if (!stopped) failure.value = message(e);
      }
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  });
  return { progress, failure, watch: (id: string, target: string) => (watched.value = { id, target }) };
}

function Backups() {
  const version = useSignal(0);
  const { data, error } = useLoad<{ backups: Backup[] }>(() => "/admin/backups", version);
  const { status, act } = useAction(version);
  // Blank: restore into the workspace itself (its data is replaced).
  const target = useSignal("");
  const restore = useRestoreProgress();
  const start = (backup: Backup) => {
    const source = session.value?.workspace ?? "default";
    const body = restoreBody(source, target.value);
    if (!body.ok) {
      status.value = body.error;
      return;
    }
    const into = body.body.target_workspace;
    const replacing = into === source ? " Its current data is replaced." : "";
    if (!confirm(`Restore workspace ${source} of ${backup.id} into ${into}?${replacing}`)) return;
    void act(async () => {
      await api(`/admin/backups/${backup.id}/restore`, { method: "POST", json: body.body });
      restore.watch(backup.id, into);
    }, `Restore of ${source} into ${into} started`);
  };
  return (
    <Section id="backups" title="Backups">
      <Failure text={error.value} />
      <div class="row">
        <button
          type="button"
          onClick={() => void act(() => api("/admin/backups", { method: "POST" }), "Backup queued")}
        >
          Create backup
        </button>
        <button type="button" onClick={() => version.value++}>
          Refresh backups
        </button>
        <label>
          Restore into workspace{" "}
          <input
            value={target.value}
            placeholder={`${session.value?.workspace ?? "default"} (replaced)`}
            pattern="[A-Za-z0-9_]{1,64}"
            onInput={(e) => (target.value = (e.target as HTMLInputElement).value)}
          />
        </label>
      </div>
      {data.value && data.value.backups.length === 0 && <p class="muted">No backups yet.</p>}
      {data.value && data.value.backups.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Backup</th>
              <th scope="col">Status</th>
              <th scope="col">Workspaces</th>
              <th scope="col">Completed</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {data.value.backups.map((backup) => (
              <tr key={backup.id} data-testid="backup-row" data-status={backup.status}>
                <th scope="row">{backup.id}</th>
                <td title={backup.error}>{backup.status}</td>
                <td>{backup.workspaces?.join(", ") ?? ""}</td>
                <td>{formatTime(backup.completed_at)}</td>
                <td>
                  <button
                    type="button"
                    onClick={() =>
                      void act(
                        () => api(`/admin/backups/${backup.id}/verify`, { method: "POST" }),
                        `${backup.id} verified`,
                      )
                    }
                  >
                    Verify
                  </button>{" "}
                  <button type="button" onClick={() => start(backup)}>
                    Restore current workspace
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {status.value && <p role="status">{status.value}</p>}
      {restore.progress.value && (
        <p role="status" data-testid="restore-progress">
          {restoreSummary(restore.progress.value)}
        </p>
      )}
      <Failure text={restore.failure.value} />
    </Section>
  );
}

interface AuditEvent {
  id: string;
  timestamp: string;
  event_type: string;
  event_action?: string;
  outcome?: string;
  user_id?: string | null;
  ip_address?: string | null;
}

function Audit() {
  const filters = useSignal<AuditFilters>({
    event_type: "",
    outcome: "",
    user_id: "",
    from: "",
    to: "",
    limit: 50,
  });
  const events = useSignal<AuditEvent[]>([]);
  const next = useSignal<string | null>(null);
  const error = useSignal<string | null>(null);
  const load = async (cursor?: string | null) => {
    try {
      const page = await api<{ events: AuditEvent[]; next_cursor: string | null }>(
        `/admin/audit?${auditQuery(filters.value, cursor)}`,
      );
      events.value = cursor ? [...events.value, ...page.events] : page.events;
      next.value = page.next_cursor;
      error.value = null;
    } catch (e) {
      error.value = message(e);
    }
  };
  useSignalEffect(() => {
    void session.value?.workspace;
    void load();
  });
  const set = (key: keyof AuditFilters) => (e: Event) => {
    filters.value = { ...filters.value, [key]: (e.target as HTMLInputElement).value };
  };
  return (
    <Section id="audit" title="Audit log">
      <form
        class="row"
        aria-label="Audit filters"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <label>
          Event type{" "}
          <select value={filters.value.event_type} onChange={set("event_type")}>
            <option value="">any</option>
            {AUDIT_EVENT_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Outcome{" "}
          <select value={filters.value.outcome} onChange={set("outcome")}>
            <option value="">any</option>
            {AUDIT_OUTCOMES.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </label>
        <label>
          User id <input value={filters.value.user_id} onInput={set("user_id")} />
        </label>
        <label>
          From <input type="datetime-local" value={filters.value.from} onInput={set("from")} />
        </label>
        <label>
          To <input type="datetime-local" value={filters.value.to} onInput={set("to")} />
        </label>
        <button type="submit">Apply filters</button>
      </form>
      <Failure text={error.value} />
      <table data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Type</th>
            <th scope="col">Action</th>
            <th scope="col">Outcome</th>
            <th scope="col">User</th>
          </tr>
        </thead>
        <tbody>
          {events.value.map((event) => (
            <tr key={event.id}>
              <td>{formatTime(event.timestamp)}</td>
              <td>{event.event_type}</td>
              <td>{event.event_action ?? ""}</td>
              <td>{event.outcome ?? ""}</td>
              <td>{event.user_id ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {next.value && (
        <button type="button" onClick={() => void load(next.value)}>
          More events
        </button>
      )}
    </Section>
  );
}

function Llm() {
  const version = useSignal(0);
  const usage = useLoad<{ workspace: string; usage: UsageRow[] }>(() => "/admin/llm/usage", version);
  const status = useLoad<{ roles: Record<string, ChainLink[]> }>(() => "/admin/llm/status", version);
  return (
    <Section id="llm" title="LLM usage and providers">
      <button type="button" onClick={() => version.value++}>
        Refresh LLM usage
      </button>
      <Failure text={usage.error.value} />
      {usage.data.value && (
        <table>
          <caption>Usage of workspace {usage.data.value.workspace}, by model</caption>
          <thead>
            <tr>
              <th scope="col">Provider · model</th>
              <th scope="col">Prompt tokens</th>
              <th scope="col">Completion tokens</th>
              <th scope="col">Calls</th>
              <th scope="col">Cached</th>
              <th scope="col">Errors</th>
            </tr>
          </thead>
          <tbody>
            {usageByModel(usage.data.value.usage).map((row) => (
              <tr key={`${row.provider}-${row.model}`}>
                <th scope="row">
                  {row.provider} · {row.model}
                </th>
                <td>{row.prompt_tokens.toLocaleString("en-US")}</td>
                <td>{row.completion_tokens.toLocaleString("en-US")}</td>
                <td>{row.calls}</td>
                <td>{row.cached_calls}</td>
                <td>{row.errors}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Failure text={status.error.value} />
      {status.data.value && (
        <table>
          <caption>Provider chains and circuits</caption>
          <thead>
            <tr>
              <th scope="col">Role</th>
              <th scope="col">#</th>
              <th scope="col">Provider</th>
              <th scope="col">Model</th>
              <th scope="col">Circuit</th>
            </tr>
          </thead>
          <tbody>
            {circuitRows(status.data.value.roles).map((row) => (
              <tr key={`${row.role}-${row.position}`}>
                <td>{row.role}</td>
                <td>{row.position}</td>
                <td>{row.binding}</td>
                <td>{row.model}</td>
                <td>
                  <span class={row.circuit === "closed" ? "badge" : "badge warn"}>{row.circuit}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

export default function Admin() {
  return (
    <div class="admin">
      <h1>Administration</h1>
      <div class="admin-grid">
        <Flags />
        <ApiKeys />
        <Users />
        <Memberships />
        <Backups />
        <Llm />
      </div>
      <Audit />
    </div>
  );
}

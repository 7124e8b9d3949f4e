/**
 * Analytics dashboard: requests and error rate, latency per route class, queries per mode,
 * ingestion, LLM tokens and cost, rate-limit hits and cache hit rate over the last hour, day or
 * week, from `GET /admin/analytics` (local history under `npm start`, Analytics Engine in
 * production). Refreshes every 30 s while open.
 */
import { useSignal, useSignalEffect } from "@preact/signals";
import { ANALYTICS_RANGES, type AnalyticsAnswer, type AnalyticsRange } from "../api/analytics";
import { api } from "../api/client";
import { TimeChart } from "../components/time-chart";
import { chartsOf } from "../lib/dashboard";

const REFRESH_MS = 30_000;
const RANGE_LABELS: Record<AnalyticsRange, string> = {
  hour: "Last hour",
  day: "Last day",
  week: "Last week",
};

export default function Dashboard() {
  const range = useSignal<AnalyticsRange>("hour");
  const workspace = useSignal("");
  const answer = useSignal<AnalyticsAnswer | null>(null);
  const error = useSignal<string | null>(null);
  const tick = useSignal(0);

  useSignalEffect(() => {
    const query = new URLSearchParams({ range: range.value });
    if (workspace.value.trim()) query.set("workspace", workspace.value.trim());
    void tick.value;
    let cancelled = false;
    api<AnalyticsAnswer>(`/admin/analytics?${query}`)
      .then((body) => {
        if (cancelled) return;
        answer.value = body;
        error.value = null;
      })
      .catch((e: unknown) => {
        if (!cancelled) error.value = e instanceof Error ? e.message : String(e);
      });
    const timer = setTimeout(() => (tick.value += 1), REFRESH_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  });

  const current = answer.value;
  return (
    <div class="dashboard">
      <h1>Analytics</h1>
      <form class="row" onSubmit={(e) => e.preventDefault()} aria-label="Dashboard window">
        <fieldset class="inline">
          <legend>Window</legend>
          {ANALYTICS_RANGES.map((value) => (
            <label key={value}>
              <input
                type="radio"
                name="range"
                value={value}
                checked={range.value === value}
                onChange={() => (range.value = value)}
              />
              {RANGE_LABELS[value]}
            </label>
          ))}
        </fieldset>
        <label>
          Workspace filter{" "}
          <input
            value={workspace.value}
            placeholder="all workspaces"
            pattern="[A-Za-z0-9_]{1,64}"
            onChange={(e) => (workspace.value = (e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="button" onClick={() => (tick.value += 1)}>
          Refresh
        </button>
      </form>
      {error.value && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
      {current && (
        <p class="muted" data-testid="dashboard-source">
          Source: {current.source === "local" ? "local metrics history" : "Workers Analytics Engine"} ·{" "}
          {current.timestamps.length} buckets of {current.step_seconds / 60} min
          {current.deployment_wide.length > 0 &&
            ` · deployment-wide (no workspace in the local history): ${current.deployment_wide.join(", ")}`}
        </p>
      )}
      {current ? (
        <div class="charts">
          {chartsOf(current).map((chart) => (
            <TimeChart key={chart.id} chart={chart} timestamps={current.timestamps} />
          ))}
        </div>
      ) : (
        !error.value && <p aria-busy="true">Loading…</p>
      )}
    </div>
  );
}

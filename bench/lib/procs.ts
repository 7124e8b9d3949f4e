/**
 * CPU and memory of the local runtime's processes from /proc (Linux only): the process tree
 * under `wrangler dev` (wrangler's Node process and its proxy, workerd), so a bench can show
 * how much CPU went to the Worker's runtime and how much to the local tooling.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const HZ = 100;
const PAGE = 4096;

export interface ProcSample {
  pid: number;
  ppid: number;
  /** e.g. "node", "workerd". */
  comm: string;
  /** The first words of the command line, to tell processes of the same name apart. */
  args: string;
  /** User + system CPU in ms since the process started. */
  cpuMs: number;
  rssBytes: number;
}

function readStat(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    return {
      pid,
      ppid: Number(fields[1]),
      comm,
      args: args.slice(0, 3).join(" "),
      cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / HZ,
      rssBytes: Number(fields[21]) * PAGE,
    };
  } catch {
    return null; // ended while reading
  }
}

/**
 * Every process in the tree rooted at `root` (itself included), read now.
 *
 * @example
 * const before = processTree(worker.pid); // ... run ... const after = processTree(worker.pid);
 */
export function processTree(root: number): ProcSample[] {
  const all: ProcSample[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const sample = readStat(Number(entry));
    if (sample) all.push(sample);
  }
  const children = new Map<number, ProcSample[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: ProcSample[] = [];
  const stack = all.filter((p) => p.pid === root);
  while (stack.length > 0) {
    const p = stack.pop() as ProcSample;
    out.push(p);
    stack.push(...(children.get(p.pid) ?? []));
  }
  return out;
}

/** A short role name per process: "workerd (worker)" for the busiest workerd, etc. */
export function roleOf(p: ProcSample, tree: ProcSample[]): string {
  if (p.comm.startsWith("workerd")) {
    const workerds = tree.filter((q) => q.comm.startsWith("workerd")).sort((a, b) => a.pid - b.pid);
    return workerds.length > 1 ? `workerd #${workerds.indexOf(p) + 1}` : "workerd";
  }
  if (p.args.includes("esbuild")) return "esbuild";
  return `${p.comm} (${p.args.split(" ").slice(1, 2).join(" ").split("/").slice(-2).join("/")})`;
}

/** CPU ms per process between two readings of the same tree, busiest first. */
export function cpuDelta(
  before: ProcSample[],
  after: ProcSample[],
): { role: string; pid: number; ms: number }[] {
  const start = new Map(before.map((p) => [p.pid, p.cpuMs]));
  return after
    .map((p) => ({ role: roleOf(p, after), pid: p.pid, ms: p.cpuMs - (start.get(p.pid) ?? 0) }))
    .sort((a, b) => b.ms - a.ms);
}

/** Every thread of the workerd processes under `root`: its /proc directory and id (ended processes skipped). */
function* workerdTasks(root: number): Generator<{ dir: string; tid: string }> {
  for (const p of processTree(root).filter((q) => q.comm.startsWith("workerd"))) {
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${p.pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) yield { dir: `/proc/${p.pid}/task/${tid}`, tid };
  }
}

/**
 * CPU ms per thread of the workerd processes under `root`, by thread name: "workerd" is the
 * event-loop thread that runs the isolate's JavaScript and the runtime's own work for it (HTTP,
 * local SQLite); "V8 DefaultWorke" threads do concurrent GC and compilation.
 *
 * @example
 * const before = workerdThreads(pid).get("workerd") ?? 0;
 */
export function workerdThreads(root: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const { dir } of workerdTasks(root)) {
    try {
      const stat = readFileSync(`${dir}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / HZ;
      out.set(name, (out.get(name) ?? 0) + ms);
    } catch {
      // thread ended
    }
  }
  return out;
}

export interface ThreadSched {
  /** Thread name (`comm`), e.g. "workerd", "v8:ProfEvntProc". */
  name: string;
  tid: number;
  /** Time on a CPU, ms (schedstat, nanosecond resolution). */
  cpuMs: number;
  /** Time runnable but waiting for a CPU, ms. */
  waitMs: number;
  /** Times the thread was put on a CPU (a timer thread: about one per wake-up). */
  slices: number;
}

/**
 * Scheduler statistics of every thread of the workerd processes under `root`
 * (`/proc/<pid>/task/<tid>/schedstat`: ns on CPU, ns waiting in the run queue, time slices),
 * finer than `/proc/.../stat`'s 10 ms ticks and able to tell CPU from waiting for one.
 *
 * @example
 * const profiler = workerdSchedstat(pid).find((t) => t.name.includes("Prof"));
 */
export function workerdSchedstat(root: number): ThreadSched[] {
  const out: ThreadSched[] = [];
  for (const { dir, tid } of workerdTasks(root)) {
    try {
      const name = readFileSync(`${dir}/comm`, "utf8").trim();
      const [cpu = 0, wait = 0, slices = 0] = readFileSync(`${dir}/schedstat`, "utf8")
        .trim()
        .split(" ")
        .map(Number);
      out.push({ name, tid: Number(tid), cpuMs: cpu / 1e6, waitMs: wait / 1e6, slices });
    } catch {
      // thread ended
    }
  }
  return out;
}

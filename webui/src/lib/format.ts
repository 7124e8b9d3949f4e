/** Small display helpers shared by pages (pure, unit-tested). */

const UNITS = ["B", "KB", "MB", "GB"] as const;

/**
 * Human-readable byte size.
 *
 * @example
 * formatBytes(1536); // "1.5 KB"
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
}

/**
 * A short local date-time for tables; the ISO string is kept for the title attribute.
 *
 * @example
 * formatTime("2026-01-02T03:04:05.000Z"); // "2026-01-02 03:04" (in the browser's zone)
 */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The last segment of a path-like file name. */
export function baseName(path: string | null | undefined): string {
  if (!path) return "";
  return path.split(/[\\/]/).pop() ?? path;
}

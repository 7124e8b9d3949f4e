/**
 * Global setup of the workers project: starts the run with an empty console capture and, when
 * every test is done, fails the run if any captured line (of any project) carries a secret.
 */
import { CAPTURE_FILE, capturedLines, resetCapture, scanCapturedLogs } from "./log-secrets";

export default function setup(): () => void {
  resetCapture();
  return () => {
    const leaks = scanCapturedLogs();
    if (leaks.length > 0) {
      // Vitest reports a teardown error but keeps the exit code; set it so CI fails.
      process.exitCode = 1;
      throw new Error(
        `Secrets reached the logs in ${leaks.length} of ${capturedLines().length} captured lines (${CAPTURE_FILE}):\n${leaks.slice(0, 20).join("\n")}`,
      );
    }
    // A clean run leaves nothing behind; a leaking one keeps the file for inspection.
    resetCapture();
  };
}

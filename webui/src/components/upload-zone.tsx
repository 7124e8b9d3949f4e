/**
 * Drag-and-drop (or file picker) multi-file upload with per-file progress. Files go two at a
 * time to `POST /documents/upload`; unsupported types are refused before any byte is sent.
 */
import { useSignal, useSignalEffect } from "@preact/signals";
import { api, uploadFile } from "../api/client";
import { checkFiles } from "../lib/documents";
import { formatBytes } from "../lib/format";

interface UploadItem {
  key: number;
  /** Kept for a retry of a failed upload. */
  file?: File;
  name: string;
  size: number;
  progress: number;
  state: "queued" | "uploading" | "done" | "failed";
  message: string;
}

const CONCURRENCY = 2;
const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
let nextKey = 1;

export function UploadZone({ onUploaded, disabled }: { onUploaded: () => void; disabled?: boolean }) {
  const items = useSignal<UploadItem[]>([]);
  const over = useSignal(false);
  const extensions = useSignal<string[]>([]);

  useSignalEffect(() => {
    api<{ supported_extensions: string[] }>("/documents/supported_file_types")
      .then((answer) => {
        extensions.value = answer.supported_extensions.map((ext) => (ext.startsWith(".") ? ext : `.${ext}`));
      })
      .catch(() => undefined);
  });

  const update = (key: number, patch: Partial<UploadItem>) => {
    items.value = items.value.map((item) => (item.key === key ? { ...item, ...patch } : item));
  };

  const start = async (files: File[]) => {
    const { accepted, refused } = checkFiles(files, extensions.value, MAX_UPLOAD_BYTES);
    const queued = accepted.map((file) => ({ file, key: nextKey++ }));
    items.value = [
      ...items.value,
      ...refused.map(({ file, reason }) => ({
        key: nextKey++,
        name: file.name,
        size: file.size,
        progress: 0,
        state: "failed" as const,
        message: reason,
      })),
      ...queued.map(({ file, key }) => ({
        key,
        name: file.name,
        size: file.size,
        progress: 0,
        state: "queued" as const,
        message: "",
      })),
    ];
    const worker = async () => {
      for (let next = queued.shift(); next; next = queued.shift()) {
        const { file, key } = next;
        update(key, { state: "uploading" });
        try {
          const answer = (await uploadFile("/documents/upload", file, (progress) =>
            update(key, { progress }),
          )) as {
            message?: string;
          };
          update(key, { state: "done", progress: 1, message: answer.message ?? "uploaded" });
          onUploaded();
        } catch (error) {
          update(key, { state: "failed", message: error instanceof Error ? error.message : String(error) });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  };

  const retry = (item: UploadItem) => {
    if (!item.file) return;
    items.value = items.value.filter((i) => i.key !== item.key);
    void start([item.file]);
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    over.value = false;
    if (!disabled && e.dataTransfer?.files) void start([...e.dataTransfer.files]);
  };

  return (
    <section class="card" aria-labelledby="upload-title">
      <h2 id="upload-title">Upload</h2>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target for the mouse; the file input inside is the keyboard path */}
      <div
        class={`dropzone${over.value ? " over" : ""}`}
        onDragOver={(e) => {
          e.preventDefault();
          over.value = true;
        }}
        onDragLeave={() => (over.value = false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <p>Drop files here, or</p>
        <label class="inline">
          <span>Choose files</span>
          <input
            type="file"
            multiple
            disabled={disabled}
            accept={extensions.value.join(",")}
            onChange={(e) => {
              const input = e.currentTarget;
              if (input.files) void start([...input.files]);
              input.value = "";
            }}
          />
        </label>
        {extensions.value.length > 0 && <p class="muted small">Supported: {extensions.value.join(" ")}</p>}
      </div>
      {items.value.length > 0 && (
        <ul class="uploads" aria-label="Uploads">
          {items.value.map((item) => (
            <li key={item.key} class="row" data-testid="upload-item">
              <span class="grow">
                {item.name} <span class="muted small">{formatBytes(item.size)}</span>
              </span>
              <progress max={1} value={item.progress} aria-label={`Upload of ${item.name}`} />
              <span class={item.state === "failed" ? "error" : "muted"}>
                {item.state}
                {item.message ? `: ${item.message}` : ""}
              </span>
              {item.state === "failed" && item.file && (
                <button type="button" onClick={() => retry(item)}>
                  Retry
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {items.value.some((i) => i.state === "done" || i.state === "failed") && (
        <button
          type="button"
          onClick={() =>
            (items.value = items.value.filter((i) => i.state === "queued" || i.state === "uploading"))
          }
        >
          Clear finished
        </button>
      )}
    </section>
  );
}

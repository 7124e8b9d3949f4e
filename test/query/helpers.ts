/** Request helpers for the query tests. */
import { SELF } from "cloudflare:test";

export function post(path: string, body: unknown, workspace: string): Promise<Response> {
  return SELF.fetch(`https://example.com${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "LIGHTRAG-WORKSPACE": workspace },
    body: JSON.stringify(body),
  });
}

export function get(path: string, workspace: string): Promise<Response> {
  return SELF.fetch(`https://example.com${path}`, { headers: { "LIGHTRAG-WORKSPACE": workspace } });
}

export interface DataAnswer {
  status: string;
  message: string;
  data: {
    entities: {
      entity_name: string;
      entity_type: string;
      source_id: string;
      file_path: string;
      created_at: string;
    }[];
    relationships: { src_id: string; tgt_id: string; weight: number; keywords: string }[];
    chunks: { reference_id: string; content: string; file_path: string; chunk_id: string }[];
    references: { reference_id: string; file_path: string }[];
  };
  metadata: {
    query_mode: string;
    keywords: { high_level: string[]; low_level: string[] };
    processing_info: Record<string, number>;
  };
}

export async function queryData(body: Record<string, unknown>, workspace: string): Promise<DataAnswer> {
  const response = await post("/query/data", body, workspace);
  if (response.status !== 200) throw new Error(`status ${response.status}: ${await response.text()}`);
  return (await response.json()) as DataAnswer;
}

/** Builds the Vectorize VectorStore from the three bindings and the list-vectors settings. */
import type { VectorNamespace } from "../vectors";
import type { VectorizeBinding } from "./binding";
import { RestVectorizeLister } from "./rest-lister";
import { type VectorizeIndexes, VectorizeVectorStore } from "./store";

export interface VectorizeSettings {
  bindings: Record<VectorNamespace, VectorizeBinding>;
  accountId: string;
  apiToken: string;
  /** Index name per namespace, `{namespace}` replaced. */
  indexNameTemplate: string;
}

/**
 * The store over the three indexes, each listed through the REST API.
 *
 * @example
 * const vectors = createVectorizeStore({ bindings: { entities: env.VECTORIZE_ENTITIES, ... }, accountId, apiToken, indexNameTemplate });
 */
export function createVectorizeStore(settings: VectorizeSettings): VectorizeVectorStore {
  const index = (namespace: VectorNamespace) => ({
    binding: settings.bindings[namespace],
    lister: new RestVectorizeLister({
      accountId: settings.accountId,
      apiToken: settings.apiToken,
      indexName: settings.indexNameTemplate.replaceAll("{namespace}", namespace),
    }),
  });
  const indexes: VectorizeIndexes = {
    entities: index("entities"),
    relations: index("relations"),
    chunks: index("chunks"),
  };
  return new VectorizeVectorStore(indexes);
}

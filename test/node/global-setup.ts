/** Fails the node test project at once, with the fix in the message, when redis-server is not running. */
import { connectRedis } from "../../scripts/upstash-rest-harness";

export default async function setup(): Promise<void> {
  const redis = await connectRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  redis.disconnect();
}

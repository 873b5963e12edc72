import { describeKubeError, KubeCallError } from "./errors";

/** Rejects with a network-style timeout (so describeKubeError calls it unreachable) after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`no answer within ${ms / 1000} s`), { code: "ETIMEDOUT" })),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A cluster call with a time limit; any failure becomes a KubeCallError in plain words. */
export async function callCluster<T>(promise: Promise<T>, ms = 10_000): Promise<T> {
  try {
    return await withTimeout(promise, ms);
  } catch (error) {
    throw new KubeCallError(describeKubeError(error));
  }
}

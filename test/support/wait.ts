export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it gives a value (not `undefined`), or fails naming `what` after `timeoutMs`.
 * For what happens in the background (a job, another process); never to wait for a fixed time.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs = 20_000, everyMs = 200 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** `waitFor` for a condition: polls `check` until it holds. */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  options?: { timeoutMs?: number; everyMs?: number },
): Promise<void> {
  await waitFor(what, async () => ((await check()) ? true : undefined), options);
}

/**
 * Waits for `promise` for at most `ms`. Resolves true if it settled in time
 * (a rejection counts as settled), false if the time ran out first. The timer
 * is cleared as soon as the promise settles, so none is left behind. It stays
 * ref'd on purpose: someone is awaiting this, and an adapter promise that
 * waits on nothing alive must not let the process exit mid-finish.
 */
export function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

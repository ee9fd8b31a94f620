/**
 * The heap of every import thread (the run's own, see run-thread.ts, and the
 * parsing ones, see import-pool.ts). A young generation of 8 MB, where the
 * main thread's grows to 32 MB under an import's allocation rate; and an old
 * generation capped at 1 GB, which makes V8 collect once the heap reaches
 * ~1.6x what is live rather than ~4x (V8 scales its heap growing factor with
 * the cap). Together they keep an import's peak memory flat as the history
 * grows. 1 GB still holds any source line a string can hold (V8 caps one at
 * 512 MB) and the index of hundreds of thousands of sessions.
 */
export const IMPORT_THREAD_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 1024 } as const;

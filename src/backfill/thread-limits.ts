/**
 * The heap of every import thread (the run's own, see run-thread.ts, and the
 * parsing ones, see import-pool.ts). A young generation of 8 MB, where the
 * main thread's grows to 32 MB under an import's allocation rate (16 MB bought
 * no measurable speed); and an old generation capped at 1 GB, under which V8
 * collects at about twice what is live rather than the ~4x it allows a heap
 * with the default limit of a large machine (V8 scales its growing factor with
 * the cap). 1 GB still holds any source line a string can hold (V8 caps one
 * at 512 MB) and the index of hundreds of thousands of sessions.
 */
export const IMPORT_THREAD_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 1024 } as const;

/** Folder of the provider samples (test/fixtures). */
export declare const FIXTURES: string;
export declare const PROVIDERS: readonly string[];
/** Copies the provider samples into `<home>/.<provider>`; returns the folders copied. */
export declare function buildFixtureHome(home: string, providers?: readonly string[]): Promise<string[]>;

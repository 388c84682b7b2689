// Types for bin/build.js (plain JavaScript so that `npm start` needs neither tsx nor a build to run it).
export declare const ROOT: string;
export declare function isStale(root?: string): boolean;
export declare function build(root?: string): void;
export declare function ensureBuilt(root?: string): boolean;

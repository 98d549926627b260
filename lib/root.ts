/**
 * The project's folder, for the files the program reads beside its code: migrations, transforms,
 * worker modules. One level up from here, and equally one level up from the bundled CLI in dist/
 * (bin/build.js), whose chunks carry this module's code: so every path below resolves the same in
 * both. A module deeper in the tree must not resolve `../../` itself, which the bundle would move.
 */
const ROOT = new URL('../', import.meta.url);

/** A file or folder of the project, as a file: URL (`relative` ends in / for a folder). */
export function projectUrl(relative: string): URL {
  return new URL(relative, ROOT);
}

// The built-in scenarios, bundled as text so the browser and Node read the
// very same files (the browser cannot list a folder at run time). A YAML
// file arrives as the JSON of its value, converted at build time by
// vite.config.ts (`libraryYamlAsJson`), so the page needs no YAML parser.
//
// The first page carries only the library's index (file, title, cluster:
// `virtual:scenario-library-index`) and the text of the scenario it opens
// with (01-…); the other texts are one lazy chunk (libraryTexts.ts), loaded
// the first time one is opened, or when the page is idle.

import libraryIndex from "virtual:scenario-library-index";

/** The scenario the first page opens with: its text is in the first page's JavaScript. */
const FIRST_TEXTS = import.meta.glob("./library/01-*.json", {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

export interface LibraryEntry {
  /** e.g. "kernel-ping-ring" */
  id: string;
  /** Path relative to the repository root, e.g. "src/scenarios/library/kernel-ping-ring.json". */
  path: string;
  title: string;
  /** Whether it is a Kafka cluster (else a kernel preview). */
  cluster: boolean;
}

/** A scenario's id from its file name or glob key: "./library/01-x.json" → "01-x". */
const idOf = (file: string) => file.replace(/^.*\//, "").replace(/\.(json|ya?ml)$/, "");

export const scenarioLibrary: readonly LibraryEntry[] = libraryIndex.map(({ file, title, cluster }) => ({
  id: idOf(file),
  path: `src/scenarios/library/${file}`,
  title,
  cluster,
}));

/** Texts by id, once here. */
const texts = new Map<string, string>();
const addTexts = (byKey: Record<string, string>) => {
  for (const [key, text] of Object.entries(byKey)) texts.set(idOf(key), text);
};
addTexts(FIRST_TEXTS);

/** Thrown by libraryText for a scenario whose text has not been loaded yet: await loadLibraryTexts(), then retry. */
export class LibraryTextNotLoaded extends Error {
  readonly id: string;
  constructor(id: string) {
    super(`the text of scenario ${id} is not loaded yet`);
    this.name = "LibraryTextNotLoaded";
    this.id = id;
  }
}

/** A built-in scenario's text; throws LibraryTextNotLoaded until loadLibraryTexts() has resolved. */
export function libraryText(id: string): string {
  const text = texts.get(id);
  if (text === undefined) throw new LibraryTextNotLoaded(id);
  return text;
}

let loading: Promise<void> | null = null;

/** Loads every built-in scenario's text (one chunk); resolves at once when they are here. */
export function loadLibraryTexts(): Promise<void> {
  loading ??= import("./libraryTexts.ts").then(
    (m) => addTexts(m.LIBRARY_TEXTS),
    (e: unknown) => {
      loading = null; // let a later attempt try again
      throw e;
    },
  );
  return loading;
}

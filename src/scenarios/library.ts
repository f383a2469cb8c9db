// The built-in scenarios, bundled as text so the browser and Node read the
// very same files (the browser cannot list a folder at run time). A YAML
// file arrives as the JSON of its value, converted at build time by
// vite.config.ts (`libraryYamlAsJson`), so the first page needs no YAML parser.

const files = import.meta.glob("./library/*.{json,yaml,yml}", {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

export interface LibraryEntry {
  /** e.g. "kernel-ping-ring" */
  id: string;
  /** Path relative to the repository root, e.g. "src/scenarios/library/kernel-ping-ring.json". */
  path: string;
  text: string;
}

export const scenarioLibrary: LibraryEntry[] = Object.keys(files)
  .sort()
  .map((key) => {
    const file = key.replace("./library/", "");
    return {
      id: file.replace(/\.(json|ya?ml)$/, ""),
      path: `src/scenarios/library/${file}`,
      text: files[key],
    };
  });

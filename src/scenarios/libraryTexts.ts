// Every built-in scenario's text, by file name: a separate chunk on the page,
// loaded by library.ts when a scenario other than the first is opened.

export const LIBRARY_TEXTS = import.meta.glob("./library/*.{json,yaml,yml}", {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

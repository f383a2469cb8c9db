// How every browser run here launches Chromium: Debian's package
// (apt-get install chromium), since Playwright's own browser download is
// unreachable. Shared by playwright.config.ts and the UI benchmark.

/** Debian's Chromium, or CHROMIUM_PATH. */
export const CHROMIUM_EXECUTABLE = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
  "--no-default-browser-check",
];

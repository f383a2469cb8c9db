import { afterEach } from "vitest";

// Vitest runs without globals, so Testing Library cannot register its own
// automatic cleanup. Unmount rendered trees after every test, but only where
// a DOM exists: most tests here are engine tests in plain Node.
afterEach(async () => {
  if (typeof document === "undefined") return;
  const { cleanup } = await import("@testing-library/react");
  cleanup();
});

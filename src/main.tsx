import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { preloadControllerModes } from "./store/simStore.ts";
import { installE2eApi } from "./ui/e2eApi.ts";
import "./styles.css";

installE2eApi();
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// ZooKeeper mode is a separate chunk: fetch it once the first page is up, so
// switching to it (or opening a ZooKeeper scenario) is instant.
const whenIdle = window.requestIdleCallback ?? ((cb: () => void) => setTimeout(cb, 1000));
whenIdle(preloadControllerModes, { timeout: 3000 });

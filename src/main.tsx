import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { preloadOnDemandCode } from "./store/simStore.ts";
import { installE2eApi } from "./ui/e2eApi.ts";
import "./styles.css";

installE2eApi();
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// ZooKeeper mode and the library's texts are separate chunks: fetch them once
// the first page is up, so opening them later is instant.
const whenIdle = window.requestIdleCallback ?? ((cb: () => void) => setTimeout(cb, 1000));
whenIdle(preloadOnDemandCode, { timeout: 3000 });

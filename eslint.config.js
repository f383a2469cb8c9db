import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import reactRefresh from "eslint-plugin-react-refresh";
import tseslint from "typescript-eslint";
import { defineConfig, globalIgnores } from "eslint/config";

// The engine must be pure and deterministic: the same seed and inputs give the
// same trace hash in Node and in Chromium. These rules keep wall clocks,
// ambient randomness, timers and the DOM out of src/engine.
const engineRestrictedImports = {
  paths: [
    { name: "react", message: "The engine is pure: no React in src/engine." },
    {
      name: "react-dom",
      message: "The engine is pure: no React in src/engine.",
    },
    { name: "zustand", message: "The engine never imports the store." },
    {
      name: "d3",
      message: "Only pure d3 math modules belong outside the engine; none inside it.",
    },
    { name: "d3-selection", message: "The engine never touches the DOM." },
  ],
  patterns: [
    {
      group: ["react/*", "react-dom/*", "d3-selection/*"],
      message: "The engine is pure.",
    },
    {
      group: ["**/ui/**", "**/store/**"],
      message: "The engine never imports the UI or the store.",
    },
  ],
};
const engineRestrictedGlobals = [
  {
    name: "Date",
    message: "Use the engine's virtual clock (world.now), never Date.",
  },
  { name: "performance", message: "No wall clocks in the engine." },
  {
    name: "setTimeout",
    message: "Schedule a queue entry; the engine owns time.",
  },
  {
    name: "setInterval",
    message: "Schedule a queue entry; the engine owns time.",
  },
  { name: "clearTimeout", message: "The engine owns time." },
  { name: "clearInterval", message: "The engine owns time." },
  { name: "requestAnimationFrame", message: "Frames belong to the UI." },
  { name: "queueMicrotask", message: "The engine owns time." },
  { name: "window", message: "No DOM in the engine." },
  { name: "document", message: "No DOM in the engine." },
  { name: "crypto", message: "Use the seeded PRNG (core/prng.ts)." },
];
const engineRestrictedSyntax = [
  {
    selector: "MemberExpression[object.name='Math'][property.name='random']",
    message: "Use the seeded PRNG (core/prng.ts): the engine must be deterministic.",
  },
];

export default defineConfig([
  globalIgnores(["dist", "test-results", "playwright-report", "reports", "node_modules", "src/bench/floor"]),
  {
    files: ["**/*.{ts,tsx}"],
    extends: [
      js.configs.recommended,
      tseslint.configs.recommended,
      reactHooks.configs.flat["recommended-latest"],
      reactRefresh.configs.vite,
    ],
    languageOptions: {
      ecmaVersion: 2023,
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The page loads ZooKeeper mode on demand: its code imports the engine's
    // values from api.ts, never from index.ts (which loads every mode eagerly).
    files: ["src/ui/**/*.{ts,tsx}", "src/store/**/*.ts", "src/App.tsx", "src/main.tsx"],
    ignores: ["**/*.test.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/engine/index.ts", "**/engine/kafka/allControlPlanes.ts", "**/engine/kafka/zk/**"],
              allowTypeImports: true,
              message: "The page imports the engine from src/engine/api.ts (ZooKeeper mode loads on demand).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/engine/**/*.ts"],
    ignores: ["src/engine/**/*.test.ts"],
    languageOptions: { globals: {} },
    rules: {
      "no-restricted-imports": ["error", engineRestrictedImports],
      "no-restricted-globals": ["error", ...engineRestrictedGlobals],
      "no-restricted-syntax": ["error", ...engineRestrictedSyntax],
    },
  },
]);

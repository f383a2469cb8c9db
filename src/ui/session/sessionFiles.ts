// Pure helpers for share links and scenario files (unit tested), and the
// page's link handling: a "#s2.…" fragment opens that session on load and on
// every hashchange.

import { isJsonText, loadYamlParser } from "../../scenarios/parseText.ts";
import { loadScenarioFile, openSessionLink } from "../../store/simStore.ts";

/** Reads a dropped or picked file and loads it (a bad one keeps what was open). */
export async function loadFile(file: File): Promise<void> {
  const text = await file.text();
  // The YAML parser is a lazy chunk; if it cannot load, parsing says so as the file's error.
  if (!isJsonText(text, file.name)) await loadYamlParser().catch(() => {});
  loadScenarioFile(text, file.name);
}

/** The share-link payload in a location hash ("#s2.…"), or null when the hash is something else. */
export function linkPayloadFromHash(hash: string): string | null {
  const h = hash.startsWith("#") ? hash.slice(1) : hash;
  return /^s\d+\./.test(h) ? h : null;
}

/** The address of a share link for `payload`, on the page at `href` (its query and fragment dropped). */
export function shareUrl(href: string, payload: string): string {
  const url = new URL(href);
  url.search = "";
  url.hash = payload;
  return url.toString();
}

/** A safe file name for a scenario with this title: lower-case letters, digits and dashes, ".json". */
export function scenarioFileName(title: string): string {
  const base = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return `${base || "scenario"}.json`;
}

/** Offers `value` as a JSON file download (Blob + object URL; nothing is sent anywhere). */
export function downloadJson(value: unknown, fileName: string): void {
  const blob = new Blob([JSON.stringify(value, null, 2) + "\n"], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Opens the session in the address's fragment now and after every hashchange; returns the cleanup. */
export function startLinkHandling(): () => void {
  const open = () => {
    const payload = linkPayloadFromHash(window.location.hash);
    if (payload) void openSessionLink(payload);
  };
  open();
  window.addEventListener("hashchange", open);
  return () => window.removeEventListener("hashchange", open);
}

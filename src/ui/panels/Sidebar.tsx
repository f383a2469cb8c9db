import { lazy, Suspense, useEffect, type KeyboardEvent } from "react";
import { setSideTab, useSim, type SideTab } from "../../store/simStore.ts";
import { ExpectationsChecklist } from "./ExpectationsChecklist.tsx";
import { GuaranteesPanel } from "./GuaranteesPanel.tsx";

// The tabs' panels are lazy chunks (with the inspector's statechart, sparklines
// and forms), so the first page loads less JavaScript; all are fetched once
// the page is idle, so switching tabs does not wait.
const loadInspector = () => import("./Inspector.tsx");
const loadActions = () => import("./ActionsPanel.tsx");
const loadController = () => import("./ControllerPanel.tsx");
const loadEventLog = () => import("../EventLog.tsx");
const Inspector = lazy(() => loadInspector().then((m) => ({ default: m.Inspector })));
const ActionsPanel = lazy(() => loadActions().then((m) => ({ default: m.ActionsPanel })));
const ControllerPanel = lazy(() => loadController().then((m) => ({ default: m.ControllerPanel })));
const EventLog = lazy(() => loadEventLog().then((m) => ({ default: m.EventLog })));

const TABS: { id: SideTab; label: string }[] = [
  { id: "inspector", label: "Inspector" },
  { id: "actions", label: "Actions" },
  { id: "controller", label: "Controller" },
  { id: "events", label: "Events" },
];

/** The right-hand column: the guarantees always in view, and tabs for the rest. */
export function Sidebar() {
  const tab = useSim((s) => s.sideTab);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const next = e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const t = TABS[(next + TABS.length) % TABS.length];
    setSideTab(t.id);
    document.getElementById(`tab-${t.id}`)?.focus();
  };
  useEffect(() => {
    const fetchAll = () => void Promise.all([loadInspector(), loadActions(), loadController(), loadEventLog()]);
    if (typeof requestIdleCallback !== "function") return fetchAll();
    const id = requestIdleCallback(fetchAll, { timeout: 2000 });
    return () => cancelIdleCallback(id);
  }, []);
  return (
    <aside className="sidebar">
      <GuaranteesPanel />
      <ExpectationsChecklist />
      <div className="tabs" role="tablist" aria-label="Panels" onKeyDown={onKeyDown}>
        {TABS.map((t) => (
          <button
            key={t.id}
            id={`tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setSideTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        <Suspense fallback={null}>
          {tab === "inspector" ? <Inspector /> : null}
          {tab === "actions" ? <ActionsPanel /> : null}
          {tab === "controller" ? <ControllerPanel /> : null}
          {tab === "events" ? <EventLog embedded /> : null}
        </Suspense>
      </div>
    </aside>
  );
}

import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { scenarioLibrary } from "./scenarios/library.ts";
import { dismissError, dismissNotice, loadScenario, switchMode, switchProfile, useSim } from "./store/simStore.ts";
import { modeOf, profileOf, MODE_LABEL, PROFILE_LABEL } from "./store/scenarioVariant.ts";
import { ClusterView } from "./ui/cluster/ClusterView.tsx";
import { ClusterTextEquivalent } from "./ui/ClusterTextEquivalent.tsx";
import { startFrameLoop } from "./ui/frameLoop.ts";
import { Narration } from "./ui/Narration.tsx";
import { Sidebar } from "./ui/panels/Sidebar.tsx";
import { useShortcuts } from "./ui/shortcuts.ts";
import { Timeline } from "./ui/Timeline.tsx";
import { Toolbar } from "./ui/Toolbar.tsx";
import { islandsText } from "./ui/networkNodes.ts";
import { SessionControls } from "./ui/session/SessionControls.tsx";
import { loadFile, startLinkHandling } from "./ui/session/sessionFiles.ts";

// The toy (kernel preview) view and the shortcut dialog are lazy chunks: the first page shows a cluster.
const EventLog = lazy(() => import("./ui/EventLog.tsx").then((m) => ({ default: m.EventLog })));
const NetworkView = lazy(() => import("./ui/NetworkView.tsx").then((m) => ({ default: m.NetworkView })));
const NodeControls = lazy(() => import("./ui/NodeControls.tsx").then((m) => ({ default: m.NodeControls })));
const ShortcutHelp = lazy(() => import("./ui/ShortcutHelp.tsx").then((m) => ({ default: m.ShortcutHelp })));
const TextEquivalent = lazy(() => import("./ui/TextEquivalent.tsx").then((m) => ({ default: m.TextEquivalent })));

export function App() {
  const [selected, setSelected] = useState<string | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const toggleHelp = useCallback(() => setHelpOpen((o) => !o), []);
  useShortcuts(toggleHelp);
  useEffect(() => startFrameLoop(), []);
  useEffect(() => startLinkHandling(), []);
  const [dropping, setDropping] = useState(false);
  const scenarioId = useSim((s) => s.scenarioId);
  const error = useSim((s) => s.error);
  const errorProblems = useSim((s) => s.errorProblems);
  const notice = useSim((s) => s.notice);
  const sim = useSim((s) => s.sim);
  const isCluster = sim.clusterModule !== null;
  const mode = modeOf(sim.scenario);
  const profile = profileOf(sim.scenario);
  // Not the revision: the rest of the page subscribes to what it shows, so a frame does not re-render all of it.
  const partitionBanner = useSim((s) => islandsText(s.sim));

  return (
    <div
      className={`app${isCluster ? " app-cluster" : ""}${dropping ? " dropping" : ""}`}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes("Files")) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
        setDropping(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDropping(false);
      }}
      onDrop={(e) => {
        const file = e.dataTransfer.files[0];
        if (!file) return;
        e.preventDefault();
        setDropping(false);
        void loadFile(file);
      }}
    >
      <header className="app-header">
        <h1>Kafka Sim</h1>
        <label className="scenario-picker">
          Scenario
          <select
            value={scenarioId}
            onChange={(e) => {
              setSelected(null);
              loadScenario(e.target.value);
            }}
          >
            {scenarioLibrary.some((e) => e.id === scenarioId) ? null : (
              <option value={scenarioId}>{sim.scenario.title}</option>
            )}
            <optgroup label="Kafka clusters">
              {scenarioLibrary
                .filter((e) => e.cluster)
                .map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.title}
                  </option>
                ))}
            </optgroup>
            <optgroup label="Kernel previews (toy nodes)">
              {scenarioLibrary
                .filter((e) => !e.cluster)
                .map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.title}
                  </option>
                ))}
            </optgroup>
          </select>
        </label>
        {mode ? (
          <>
            <div className="segmented" role="group" aria-label="Controller mode">
              {(["kraft", "zookeeper"] as const).map((m) => (
                <button key={m} type="button" aria-pressed={mode === m} onClick={() => mode !== m && switchMode(m)}>
                  {MODE_LABEL[m]}
                </button>
              ))}
            </div>
            <div className="segmented" role="group" aria-label="Timing profile">
              {(["classroom", "kafka-defaults"] as const).map((p) => (
                <button
                  key={p}
                  type="button"
                  aria-pressed={profile === p}
                  onClick={() => profile !== p && switchProfile(p)}
                >
                  {PROFILE_LABEL[p]}
                </button>
              ))}
            </div>
          </>
        ) : (
          <p className="simplified" title="Cluster scenarios show Kafka brokers">
            Kernel preview: toy nodes, not Kafka brokers
          </p>
        )}
        <SessionControls />
        <button
          type="button"
          className="help-button"
          onClick={toggleHelp}
          aria-label="Keyboard shortcuts"
          aria-keyshortcuts="?"
        >
          ?
        </button>
      </header>
      {error ? (
        <div className="error" role="alert" data-testid="error">
          <p>{error}</p>
          {errorProblems && errorProblems.length > 0 ? (
            <ul>
              {errorProblems.slice(0, 20).map((p, i) => (
                <li key={i}>
                  <code>{p.path}</code>: {p.message}
                </li>
              ))}
              {errorProblems.length > 20 ? <li>… and {errorProblems.length - 20} more</li> : null}
            </ul>
          ) : null}
          <button type="button" onClick={dismissError}>
            Dismiss
          </button>
        </div>
      ) : null}
      {notice ? (
        <div className="notice" role="status" data-testid="notice">
          <ul>
            {notice.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
          <button type="button" onClick={dismissNotice}>
            OK
          </button>
        </div>
      ) : null}
      <Toolbar />
      {isCluster ? (
        <>
          <div className="caption-row">
            <Narration />
          </div>
          {partitionBanner ? (
            <div className="partition-banner" role="status" data-testid="partition-banner">
              Network partitioned: {partitionBanner}
            </div>
          ) : null}
          <main className="stage stage-cluster">
            <h2 className="visually-hidden">{sim.scenario.title}</h2>
            <ClusterView />
            <Sidebar />
          </main>
          <ClusterTextEquivalent />
        </>
      ) : (
        <Suspense fallback={null}>
          <main className="stage">
            <div className="stage-left">
              <h2 className="visually-hidden">{sim.scenario.title}</h2>
              <NetworkView selected={selected} onSelect={(id) => setSelected((s) => (s === id ? null : id))} />
              <Narration />
            </div>
            <div className="stage-right">
              <NodeControls selected={selected} />
              <EventLog />
            </div>
          </main>
          <TextEquivalent />
        </Suspense>
      )}
      <Timeline />
      {dropping ? (
        <div className="drop-hint" aria-hidden="true">
          Drop a scenario file (JSON or YAML) to open it
        </div>
      ) : null}
      {helpOpen ? (
        <Suspense fallback={null}>
          <ShortcutHelp onClose={() => setHelpOpen(false)} />
        </Suspense>
      ) : null}
    </div>
  );
}

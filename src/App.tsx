import { useCallback, useEffect, useState } from "react";
import { scenarioLibrary } from "./scenarios/library.ts";
import { parseScenarioText } from "./scenarios/parseText.ts";
import { dismissError, loadScenario, useSim } from "./store/simStore.ts";
import { EventLog } from "./ui/EventLog.tsx";
import { startFrameLoop } from "./ui/frameLoop.ts";
import { Narration } from "./ui/Narration.tsx";
import { NetworkView } from "./ui/NetworkView.tsx";
import { NodeControls } from "./ui/NodeControls.tsx";
import { ShortcutHelp } from "./ui/ShortcutHelp.tsx";
import { useShortcuts } from "./ui/shortcuts.ts";
import { Timeline } from "./ui/Timeline.tsx";
import { Toolbar } from "./ui/Toolbar.tsx";
import { TextEquivalent } from "./ui/TextEquivalent.tsx";

const titles = new Map(
  scenarioLibrary.map((e) => {
    try {
      return [e.id, String((parseScenarioText(e.text, e.path) as { title?: unknown }).title ?? e.id)];
    } catch {
      return [e.id, e.id];
    }
  }),
);

export function App() {
  const [selected, setSelected] = useState<string | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const toggleHelp = useCallback(() => setHelpOpen((o) => !o), []);
  useShortcuts(toggleHelp);
  useEffect(() => startFrameLoop(), []);
  const scenarioId = useSim((s) => s.scenarioId);
  const error = useSim((s) => s.error);
  const title = useSim((s) => s.sim.scenario.title);

  return (
    <div className="app">
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
            {scenarioLibrary.map((e) => (
              <option key={e.id} value={e.id}>
                {titles.get(e.id)}
              </option>
            ))}
          </select>
        </label>
        <p className="simplified" title="The cluster engine replaces these toy nodes">
          Kernel preview: toy nodes, not Kafka brokers yet
        </p>
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
        <div className="error" role="alert">
          {error}{" "}
          <button type="button" onClick={dismissError}>
            Dismiss
          </button>
        </div>
      ) : null}
      <Toolbar />
      <main className="stage">
        <div className="stage-left">
          <h2 className="visually-hidden">{title}</h2>
          <NetworkView selected={selected} onSelect={(id) => setSelected((s) => (s === id ? null : id))} />
          <Narration />
        </div>
        <div className="stage-right">
          <NodeControls selected={selected} />
          <EventLog />
        </div>
      </main>
      <Timeline />
      <TextEquivalent />
      {helpOpen ? <ShortcutHelp onClose={() => setHelpOpen(false)} /> : null}
    </div>
  );
}

// Share, open a file, save as scenario: the session travels as a link
// ("…/#s2.<payload>"), arrives as a scenario file (picker or drop), and leaves
// as a scenario file that replays what the user did.

import { useState } from "react";
import { sessionLinkPayload, sessionScenarioFile, useSim } from "../../store/simStore.ts";
import { downloadJson, loadFile, scenarioFileName, shareUrl } from "./sessionFiles.ts";

export function SessionControls() {
  const sim = useSim((s) => s.sim);
  const [link, setLink] = useState<{ url: string; copied: boolean } | null>(null);

  const share = async () => {
    const url = shareUrl(window.location.href, await sessionLinkPayload());
    let copied = false;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch {
      // No clipboard permission: the link is shown to copy by hand.
    }
    setLink({ url, copied });
  };

  const save = () => {
    const title = `${sim.scenario.title} (recorded)`;
    downloadJson(sessionScenarioFile(title), scenarioFileName(title));
  };

  return (
    <div className="session-controls" role="group" aria-label="Session">
      <button type="button" onClick={() => void share()} title="A link to this session: scenario, seed, your actions">
        Share
      </button>
      <label className="file-button" title="A scenario file (JSON or YAML); you can also drop one on the page">
        Open file…
        <input
          type="file"
          className="visually-hidden"
          accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml"
          aria-label="Open a scenario file"
          data-testid="scenario-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = "";
            if (file) void loadFile(file);
          }}
        />
      </label>
      <button type="button" onClick={save} title="Download this session (with what you did) as a scenario file">
        Save as scenario
      </button>
      {link ? (
        <div className="share-popover" role="dialog" aria-label="Share link">
          <label>
            {link.copied ? "Link copied. " : "Copy this link: "}
            <input
              type="text"
              readOnly
              value={link.url}
              aria-label="Share link"
              data-testid="share-link"
              onFocus={(e) => e.target.select()}
            />
          </label>
          <button type="button" onClick={() => setLink(null)}>
            Close
          </button>
        </div>
      ) : null}
    </div>
  );
}

import { useState } from "react";
import type { DeadLetterView } from "../bindings";

interface Props {
  letters: DeadLetterView[] | null;
  replaying: ReadonlySet<number>;
  onReplay: (letter: DeadLetterView) => void;
}

/** Records the connector could not map, with their raw text and a way to try again. */
export function DeadLettersTable({ letters, replaying, onReplay }: Props) {
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const toggle = (id: number) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <div className="table-scroll">
      <table className="data-table fixed" data-testid="dead-letters-table">
        <colgroup>
          <col style={{ width: 96 }} />
          <col style={{ width: 250 }} />
          <col style={{ width: "30%" }} />
          <col />
          <col style={{ width: 100 }} />
        </colgroup>
        <thead>
          <tr>
            <th>Resource</th>
            <th>Position</th>
            <th>Reason</th>
            <th>Raw record</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {letters === null && (
            <tr>
              <td colSpan={5} className="muted center">
                Loading dead letters…
              </td>
            </tr>
          )}
          {letters?.length === 0 && (
            <tr>
              <td colSpan={5} className="muted center" data-testid="dead-letters-empty">
                No dead letters: every record mapped.
              </td>
            </tr>
          )}
          {letters?.map((letter) => {
            const open = expanded.has(letter.id);
            const busy = replaying.has(letter.id);
            return (
              <tr key={letter.id} data-testid="dead-letter-row" data-dead-letter-id={letter.id}>
                <td>{letter.resource}</td>
                <td className="mono wrap">{letter.position}</td>
                <td>
                  <span className="clamp" title={letter.reason}>
                    {letter.reason}
                  </span>
                </td>
                <td>
                  <div className={`raw-preview${open ? " open" : ""}`}>
                    {open ? (
                      <pre className="mono" data-testid="raw-full">
                        {letter.rawPreview}
                      </pre>
                    ) : (
                      <code className="mono truncate" title={letter.rawPreview}>
                        {letter.rawPreview}
                      </code>
                    )}
                    <button
                      type="button"
                      className="link-button"
                      data-testid="raw-toggle"
                      aria-expanded={open}
                      onClick={() => toggle(letter.id)}
                    >
                      {open ? "Less" : "More"}
                    </button>
                  </div>
                </td>
                <td className="right">
                  <button
                    type="button"
                    className="button small"
                    data-testid="replay-button"
                    disabled={busy}
                    title="Map the stored record again, fetching it from the source if needed"
                    onClick={() => onReplay(letter)}
                  >
                    {busy ? "Replaying…" : "Replay"}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

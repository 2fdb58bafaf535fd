import { useCallback, useRef, useState } from "react";
import { unwrap } from "../api";
import { commands, type DeadLetterView, type User } from "../bindings";
import { useNotify, useReportError } from "../errors";
import { faultLabel } from "../health";
import { connectionToShow, useHealth } from "../hooks/useHealth";
import { useNow } from "../hooks/useNow";
import { plural } from "../format";
import { DeadLettersTable } from "./DeadLettersTable";
import { FaultModeControl } from "./FaultModeControl";
import { HealthCard } from "./HealthCard";
import { OutboxTable } from "./OutboxTable";
import { RunsTable } from "./RunsTable";

interface Props {
  mirrorVersion: number;
  users: readonly User[];
}

/** Integration health: every connection's state, its runs and dead letters, and the outbox. */
export function HealthScreen({ mirrorVersion, users }: Props) {
  const report = useReportError();
  const notify = useNotify();
  const [chosen, setChosen] = useState<string | null>(null);
  const { data, refresh, setFaults } = useHealth(chosen, mirrorVersion, report);
  const now = useNow(1000);

  const selectedId = connectionToShow(chosen, data.cards);
  const selected = data.cards?.find((c) => c.connectionId === selectedId) ?? null;
  const detailReady = data.detailFor === selectedId;

  const [replaying, setReplaying] = useState<ReadonlySet<number>>(new Set());
  const replayingRef = useRef(new Set<number>());
  const replay = useCallback(
    (letter: DeadLetterView) => {
      if (replayingRef.current.has(letter.id)) return;
      replayingRef.current.add(letter.id);
      setReplaying(new Set(replayingRef.current));
      unwrap(commands.replayDeadLetter(letter.id))
        .then((result) => {
          if (result.applied) {
            notify({
              tone: "ok",
              title: result.refetched ? "Replayed (fetched again from the source)" : "Replayed",
              message: `The record at ${letter.position} is in the mirror now.`,
            });
          } else {
            notify({ tone: "warn", title: `Still failing: ${result.reason ?? "no reason given"}` });
          }
        }, report)
        .finally(() => {
          replayingRef.current.delete(letter.id);
          setReplaying(new Set(replayingRef.current));
          refresh();
        });
    },
    [notify, refresh, report],
  );

  const [savingFaults, setSavingFaults] = useState(false);
  const changeFaults = useCallback(
    (perMille: number) => {
      setSavingFaults(true);
      unwrap(commands.setDemoFaults({ perMille }))
        .then((faults) => {
          setFaults(faults);
          notify({
            tone: "info",
            title:
              faults.perMille === 0
                ? "Demo fault injection is off"
                : `Demo systems now fail ${faultLabel(faults.perMille)} of requests`,
          });
        }, report)
        .finally(() => {
          setSavingFaults(false);
          refresh();
        });
    },
    [notify, refresh, report, setFaults],
  );

  return (
    <div className="health-screen" data-testid="health-screen">
      <header className="screen-header">
        <h1>Integration health</h1>
        <span className="muted">connections, sync runs, dead letters and outgoing actions · live</span>
        <span className="spacer" />
        <FaultModeControl faults={data.faults} saving={savingFaults} onChange={changeFaults} />
      </header>

      <div className="health-cards">
        {data.cards === null && <div className="panel panel-loading muted">Loading connections…</div>}
        {data.cards?.length === 0 && <div className="panel panel-loading muted">No connections configured.</div>}
        {data.cards?.map((card) => (
          <HealthCard
            key={card.connectionId}
            health={card}
            selected={card.connectionId === selectedId && (data.cards?.length ?? 0) > 1}
            now={now}
            onSelect={setChosen}
          />
        ))}
      </div>

      <section className="panel table-panel runs-panel" aria-label="Recent sync runs">
        <header className="panel-title">
          <h2>Recent runs</h2>
          {selected && <span className="muted truncate">{selected.name}</span>}
        </header>
        <RunsTable runs={detailReady ? data.runs : null} now={now} />
      </section>

      <section className="panel table-panel dead-letters-panel" aria-label="Dead letters">
        <header className="panel-title">
          <h2>Dead letters</h2>
          <span className="muted truncate">
            {detailReady && data.deadLetters && data.deadLetters.length > 0
              ? `${plural(data.deadLetters.length, "record", "records")} that did not map · Replay tries again`
              : "records that did not map"}
          </span>
        </header>
        <DeadLettersTable
          letters={detailReady ? data.deadLetters : null}
          replaying={replaying}
          onReplay={replay}
        />
      </section>

      <section className="panel table-panel outbox-panel" aria-label="Outbox">
        <header className="panel-title">
          <h2>Outbox</h2>
          <span className="muted">decisions on their way to the source, and refusals not yet dismissed</span>
        </header>
        <OutboxTable actions={data.outbox} users={users} now={now} />
      </section>
    </div>
  );
}

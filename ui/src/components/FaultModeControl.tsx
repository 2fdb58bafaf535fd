import type { DemoFaults } from "../bindings";
import { FAULT_MODES, faultLabel } from "../health";

interface Props {
  faults: DemoFaults | null;
  saving: boolean;
  onChange: (perMille: number) => void;
}

/** Fault injection of the built-in demo source systems (not of real connections). */
export function FaultModeControl({ faults, saving, onChange }: Props) {
  const current = faults?.perMille ?? null;
  const custom = current !== null && !FAULT_MODES.some((m) => m.perMille === current);
  return (
    <div className={`fault-mode${current !== null && current > 0 ? " active" : ""}`}>
      <label htmlFor="fault-mode">
        <strong>Fault mode</strong>
        <span className="muted"> · demo systems' fault injection</span>
      </label>
      <select
        id="fault-mode"
        data-testid="fault-mode"
        title="Share of requests to the built-in demo systems that get a random fault on purpose: 503, 429 with Retry-After, a malformed record, a cut-off page"
        value={current === null ? "" : String(current)}
        disabled={current === null || saving}
        onChange={(event) => {
          const perMille = FAULT_MODES.find((m) => String(m.perMille) === event.target.value)?.perMille;
          if (perMille !== undefined) onChange(perMille);
        }}
      >
        {current === null && <option value="">…</option>}
        {custom && <option value={String(current)}>{faultLabel(current)}</option>}
        {FAULT_MODES.map((mode) => (
          <option key={mode.perMille} value={String(mode.perMille)}>
            {mode.perMille === 0 ? "Off" : `${mode.label} of requests fail`}
          </option>
        ))}
      </select>
    </div>
  );
}

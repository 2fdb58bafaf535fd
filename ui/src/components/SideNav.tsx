import type { ReactNode } from "react";
import { GO_PREFIX, SCREENS, type Screen } from "../navigation";
import { AlertIcon, BalanceIcon, CalendarIcon, CheckIcon, PaymentIcon, PulseIcon } from "./icons";

const ICONS: Record<Screen, ReactNode> = {
  exceptions: <AlertIcon />,
  approvals: <CheckIcon />,
  close: <CalendarIcon />,
  payments: <PaymentIcon />,
  reconciliation: <BalanceIcon />,
  health: <PulseIcon />,
};

interface Props {
  screen: Screen;
  onNavigate: (screen: Screen) => void;
}

export function SideNav({ screen, onNavigate }: Props) {
  return (
    <nav className="side-nav" aria-label="Screens">
      {SCREENS.map((info) => {
        const active = info.id === screen;
        return (
          <a
            key={info.id}
            className={`nav-item${active ? " active" : ""}`}
            aria-current={active ? "page" : undefined}
            href={info.hash}
            data-testid={`nav-${info.id}`}
            aria-keyshortcuts={`${GO_PREFIX} ${info.goKey}`}
            onClick={(event) => {
              event.preventDefault();
              onNavigate(info.id);
            }}
          >
            <span className="nav-icon" aria-hidden="true">
              {ICONS[info.id]}
            </span>
            <span className="nav-text">
              <span className="nav-label">{info.label}</span>
              <span className="nav-keys" aria-hidden="true">
                <kbd>{GO_PREFIX}</kbd> <kbd>{info.goKey}</kbd>
              </span>
            </span>
          </a>
        );
      })}
    </nav>
  );
}

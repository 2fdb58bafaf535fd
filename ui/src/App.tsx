import { useCallback, useEffect, useState } from "react";
import { errorMessage, unwrap } from "./api";
import { commands, type Session } from "./bindings";
import { AppHeader } from "./components/AppHeader";
import { ApprovalsScreen } from "./components/ApprovalsScreen";
import { CloseScreen } from "./components/CloseScreen";
import { ExceptionsScreen } from "./components/ExceptionsScreen";
import { InvoiceTraceDrawer } from "./components/InvoiceTraceDrawer";
import { PaymentsScreen } from "./components/PaymentsScreen";
import { ErrorToasts } from "./components/ErrorToasts";
import { HealthScreen } from "./components/HealthScreen";
import { ReconScreen } from "./components/ReconScreen";
import { SideNav } from "./components/SideNav";
import { StatusBar } from "./components/StatusBar";
import { useReportError } from "./errors";
import { useGoToKeys } from "./hooks/useGoToKeys";
import { useMirrorVersion } from "./hooks/useMirrorVersion";
import { useSyncStatus } from "./hooks/useSyncStatus";
import { landingScreen, screenFromHash, screenInfo, type Screen } from "./navigation";

export function App() {
  return (
    <ErrorToasts>
      <Shell />
    </ErrorToasts>
  );
}

function Shell() {
  const report = useReportError();
  const [session, setSession] = useState<Session | null>(null);
  const [sessionError, setSessionError] = useState<string | null>(null);
  const [switching, setSwitching] = useState(false);
  /** Bumped on user switch so every screen reloads from scratch. */
  const [generation, setGeneration] = useState(0);
  const mirrorVersion = useMirrorVersion(report);
  const sync = useSyncStatus(mirrorVersion + generation, report);
  const [screen, navigate] = useScreen();
  useGoToKeys(navigate);
  /** The AP invoice whose trace is open, from whichever screen showed it. */
  const [traceInvoice, setTraceInvoice] = useState<string | null>(null);

  const fetchSession = useCallback(() => {
    unwrap(commands.getSession()).then((s) => {
      setSession(s);
      // Opened without an address: start on the signed-in role's own workspace.
      if (!window.location.hash) navigate(landingScreen(s.user.roles));
    }, (error: unknown) => {
      setSessionError(errorMessage(error));
      report(error);
    });
  }, [report, navigate]);

  useEffect(fetchSession, [fetchSession]);

  const retrySession = () => {
    setSessionError(null);
    fetchSession();
  };

  const switchUser = (userId: string) => {
    setSwitching(true);
    unwrap(commands.switchUser(userId))
      .then((next) => {
        setSession(next);
        setGeneration((g) => g + 1);
        // Each role lands on its own workspace.
        navigate(landingScreen(next.user.roles));
      }, report)
      .finally(() => setSwitching(false));
  };

  return (
    <div className="app">
      <AppHeader session={session} switching={switching} onSwitchUser={switchUser} />
      <SideNav screen={screen} onNavigate={navigate} />
      <main className="main" aria-label={screenInfo(screen).label}>
        {session ? (
          <ScreenView
            key={`${session.user.id}:${generation}`}
            screen={screen}
            session={session}
            mirrorVersion={mirrorVersion}
            onOpenTrace={setTraceInvoice}
          />
        ) : (
          <div className="splash">
            {sessionError ? (
              <>
                <p className="error">Could not load your session: {sessionError}</p>
                <button type="button" className="button" onClick={retrySession}>
                  Retry
                </button>
              </>
            ) : (
              <p className="muted">Loading…</p>
            )}
          </div>
        )}
      </main>
      <StatusBar status={sync.status} syncing={sync.syncing} onSyncNow={sync.syncNow} />
      {traceInvoice && (
        <InvoiceTraceDrawer
          invoiceId={traceInvoice}
          mirrorVersion={mirrorVersion}
          onClose={() => setTraceInvoice(null)}
        />
      )}
    </div>
  );
}

interface ScreenViewProps {
  screen: Screen;
  session: Session;
  mirrorVersion: number;
  onOpenTrace: (invoiceId: string) => void;
}

function ScreenView({ screen, session, mirrorVersion, onOpenTrace }: ScreenViewProps) {
  const props = { mirrorVersion, user: session.user, users: session.users, onOpenTrace };
  switch (screen) {
    case "exceptions":
      return <ExceptionsScreen {...props} />;
    case "close":
      return <CloseScreen {...props} />;
    case "payments":
      return <PaymentsScreen {...props} />;
    case "health":
      return <HealthScreen mirrorVersion={mirrorVersion} users={session.users} />;
    case "reconciliation":
      return <ReconScreen mirrorVersion={mirrorVersion} user={session.user} users={session.users} />;
    case "approvals":
      return (
        <ApprovalsScreen
          mirrorVersion={mirrorVersion}
          onOpenTrace={onOpenTrace}
          users={session.users}
          user={session.user}
        />
      );
  }
}

/** The current screen, kept in the URL hash (#/approvals, #/reconciliation, #/health) so reloads and Back work. */
function useScreen(): [Screen, (screen: Screen) => void] {
  const [screen, setScreen] = useState<Screen>(() => screenFromHash(window.location.hash));

  useEffect(() => {
    const onHashChange = () => setScreen(screenFromHash(window.location.hash));
    window.addEventListener("hashchange", onHashChange);
    return () => window.removeEventListener("hashchange", onHashChange);
  }, []);

  const navigate = useCallback((next: Screen) => {
    setScreen(next);
    const hash = screenInfo(next).hash;
    if (window.location.hash !== hash) window.location.hash = hash;
  }, []);

  return [screen, navigate];
}

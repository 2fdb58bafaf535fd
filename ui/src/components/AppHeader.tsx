import type { Session } from "../bindings";

interface Props {
  session: Session | null;
  switching: boolean;
  onSwitchUser: (userId: string) => void;
}

export function AppHeader({ session, switching, onSwitchUser }: Props) {
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Control Tower
      </div>
      <span className="spacer" />
      {session && (
        <div className="user-box">
          <div className="user-identity">
            <span className="user-name" data-testid="current-user">
              {session.user.name}
            </span>
            <span className="user-roles">
              {session.user.roles.map((role) => (
                <span key={role} className="role-chip">
                  {role}
                </span>
              ))}
            </span>
          </div>
          <select
            data-testid="user-switcher"
            aria-label="Switch user"
            value={session.user.id}
            disabled={switching}
            onChange={(e) => onSwitchUser(e.target.value)}
          >
            {session.users.map((user) => (
              <option key={user.id} value={user.id}>
                {user.name} ({user.email})
              </option>
            ))}
          </select>
        </div>
      )}
    </header>
  );
}

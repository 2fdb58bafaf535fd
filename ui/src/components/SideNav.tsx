export function SideNav() {
  return (
    <nav className="side-nav" aria-label="Screens">
      <a className="nav-item active" aria-current="page" href="#approvals">
        <span className="nav-icon" aria-hidden="true">✓</span>
        Approvals
      </a>
    </nav>
  );
}

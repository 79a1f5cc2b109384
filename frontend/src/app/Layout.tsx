import { Link, Outlet } from 'react-router';
import { Notices } from '../components/Notices';
import { AuthGate } from '../features/auth/AuthGate';
import { UserMenu } from '../features/auth/UserMenu';
import { SettingsButton } from '../features/settings/SettingsButton';
import { HealthIndicator } from '../features/system/HealthIndicator';

export function Layout() {
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" width={22} height={22} />
          <span className="brand-name">Mireru</span>
        </Link>
        <nav aria-label="Main" className="app-nav">
          <Link to="/">Projects</Link>
        </nav>
        <div className="app-header-end">
          <HealthIndicator />
          <UserMenu />
          <SettingsButton />
        </div>
      </header>
      <main id="main" className="app-main">
        <AuthGate>
          <Outlet />
        </AuthGate>
      </main>
      <Notices />
    </div>
  );
}

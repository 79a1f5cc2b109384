import { Link, Outlet } from 'react-router';
import { Notices } from '../components/Notices';
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
          Mireru
        </Link>
        <nav aria-label="Main" className="app-nav">
          <Link to="/">Projects</Link>
        </nav>
        <div className="app-header-end">
          <HealthIndicator />
          <SettingsButton />
        </div>
      </header>
      <main id="main" className="app-main">
        <Outlet />
      </main>
      <Notices />
    </div>
  );
}

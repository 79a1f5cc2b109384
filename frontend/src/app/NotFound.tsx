import { Link } from 'react-router';
import { EmptyState } from '../components/EmptyState';

export function NotFound() {
  return (
    <EmptyState title="Page not found">
      <p>
        There is nothing at this address. <Link to="/">Back to the projects</Link>.
      </p>
    </EmptyState>
  );
}

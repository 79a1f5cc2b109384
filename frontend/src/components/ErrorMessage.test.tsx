// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { apiErrorFrom } from '../lib/errors';
import { ErrorMessage } from './ErrorMessage';

describe('ErrorMessage', () => {
  it('announces the error in words with its field problems, and offers a retry', async () => {
    const error = apiErrorFrom(422, {
      error: {
        code: 'validation_error',
        message: 'invalid request',
        detail: { fields: [{ loc: ['body', 'name'], message: 'too long' }, { loc: ['query', 'limit'], message: 'too big' }] },
      },
    });
    const retry = vi.fn();
    render(<ErrorMessage title="Could not save" error={error} onRetry={retry} />);
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Could not save: invalid request');
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['name: too long', 'limit: too big']);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
    expect(retry).toHaveBeenCalled();
  });
});

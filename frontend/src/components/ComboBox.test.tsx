// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ComboBox } from './ComboBox';

function Harness({ onCommit }: { onCommit: (v: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <ComboBox
      label="Keyword"
      value={value}
      onChange={setValue}
      onCommit={(v) => {
        onCommit(v);
        setValue('');
      }}
      suggestions={[{ value: 'sunset', hint: '4' }, { value: 'sunrise' }]}
    />
  );
}

describe('ComboBox', () => {
  it('commits typed text on Enter', async () => {
    const onCommit = vi.fn();
    const user = userEvent.setup();
    render(<Harness onCommit={onCommit} />);
    await user.type(screen.getByRole('combobox', { name: 'Keyword' }), ' river {Enter}');
    expect(onCommit).toHaveBeenCalledWith('river');
  });

  it('picks a suggestion with the arrow keys', async () => {
    const onCommit = vi.fn();
    const user = userEvent.setup();
    render(<Harness onCommit={onCommit} />);
    const input = screen.getByRole('combobox', { name: 'Keyword' });
    await user.type(input, 'sun');
    expect(input).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['sunset4', 'sunrise']);
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(screen.getByRole('option', { name: 'sunrise' })).toHaveAttribute('aria-selected', 'true');
    expect(input).toHaveAttribute('aria-activedescendant', screen.getByRole('option', { name: 'sunrise' }).id);
    await user.keyboard('{Enter}');
    expect(onCommit).toHaveBeenCalledWith('sunrise');
  });

  it('closes on Escape, and a second Escape leaves the field', async () => {
    const user = userEvent.setup();
    render(<Harness onCommit={() => {}} />);
    const input = screen.getByRole('combobox', { name: 'Keyword' });
    await user.type(input, 's');
    await user.keyboard('{Escape}');
    expect(input).toHaveAttribute('aria-expanded', 'false');
    expect(input).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(input).not.toHaveFocus();
  });

  it('picks a suggestion with the pointer', async () => {
    const onCommit = vi.fn();
    const user = userEvent.setup();
    render(<Harness onCommit={onCommit} />);
    await user.type(screen.getByRole('combobox', { name: 'Keyword' }), 'sun');
    await user.click(screen.getByRole('option', { name: /sunset/ }));
    expect(onCommit).toHaveBeenCalledWith('sunset');
  });
});

// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { CropFilter } from './CropFilter';
import { PendingSuggestionsFilter } from './PendingSuggestionsFilter';

describe('PendingSuggestionsFilter', () => {
  it('ticking asks for items with pending suggestions; unticking drops the condition', async () => {
    const onChange = vi.fn();
    const { rerender } = render(<PendingSuggestionsFilter value={null} onChange={onChange} />);
    const box = screen.getByRole('checkbox', { name: 'Has pending suggestions' });
    expect(box).not.toBeChecked();
    await userEvent.click(box);
    expect(onChange).toHaveBeenLastCalledWith(true);
    rerender(<PendingSuggestionsFilter value={true} onChange={onChange} />);
    expect(box).toBeChecked();
    await userEvent.click(box);
    expect(onChange).toHaveBeenLastCalledWith(null);
  });

  it('says "none waiting" (from a link) in words, with a way to remove it', async () => {
    const onChange = vi.fn();
    render(<PendingSuggestionsFilter value={false} onChange={onChange} />);
    expect(screen.getByText(/no suggestions waiting/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Remove filter no pending suggestions' }));
    expect(onChange).toHaveBeenCalledWith(null);
  });
});

describe('CropFilter', () => {
  it('chooses crops or not, and shows the source item condition with a link to it', async () => {
    const onCrop = vi.fn();
    const onSourceItem = vi.fn();
    render(
      <MemoryRouter>
        <CropFilter projectId={3} crop={null} sourceItemId={12} onCrop={onCrop} onSourceItem={onSourceItem} />
      </MemoryRouter>,
    );
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Crops' }), 'Only crops');
    expect(onCrop).toHaveBeenLastCalledWith(true);
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Crops' }), 'No crops');
    expect(onCrop).toHaveBeenLastCalledWith(false);
    expect(screen.getByRole('link', { name: 'item #12' })).toHaveAttribute('href', '/projects/3/items/12');
    await userEvent.click(screen.getByRole('button', { name: 'Remove filter crops of item 12' }));
    expect(onSourceItem).toHaveBeenCalledWith(null);
  });
});

import type { Action } from '../lib/roles';

/** The tabs of a project, relative to /projects/:projectId. New screens add an entry here. */
export interface ProjectSection {
  to: string;
  label: string;
  /** Only active on exactly this path (the dataset is the project's index). */
  end?: boolean;
  /** Shown only to callers whose role allows this. */
  needs?: Action;
}

export const projectSections: readonly ProjectSection[] = [
  { to: '', label: 'Dataset', end: true },
  { to: 'search', label: 'Search' },
  { to: 'words', label: 'Words' },
  { to: 'training', label: 'Training' },
  { to: 'models', label: 'Models' },
  { to: 'transfer', label: 'Import & export' },
  { to: 'members', label: 'Members & API keys', needs: 'manageMembers' },
];

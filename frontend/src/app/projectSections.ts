/** The tabs of a project, relative to /projects/:projectId. New screens add an entry here. */
export interface ProjectSection {
  to: string;
  label: string;
  /** Only active on exactly this path (the dataset is the project's index). */
  end?: boolean;
}

export const projectSections: readonly ProjectSection[] = [
  { to: '', label: 'Dataset', end: true },
  { to: 'transfer', label: 'Import & export' },
];

import { useParams } from 'react-router';

function toId(raw: string | undefined): number {
  const id = Number(raw);
  return Number.isInteger(id) && id > 0 ? id : NaN;
}

export function useProjectId(): number {
  return toId(useParams().projectId);
}

export function useItemId(): number {
  return toId(useParams().itemId);
}

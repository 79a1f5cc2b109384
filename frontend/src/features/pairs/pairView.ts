/** A stored pair as the item page sees it: the other item, whichever side it is on. */
export interface PairRow {
  id: number;
  item_a_id: number;
  item_b_id: number;
}

export function partnerOf(pair: PairRow, itemId: number): number {
  return pair.item_a_id === itemId ? pair.item_b_id : pair.item_a_id;
}

/** Item ids typed by a person: "12, 15 18" → [12, 15, 18]; anything else is an error to show. */
export function parseItemIds(text: string): { ids: number[]; error: string | null } {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const bad = parts.filter((p) => !/^\d+$/.test(p) || Number(p) < 1);
  if (bad.length) return { ids: [], error: `Not an item id: ${bad.slice(0, 3).join(', ')}` };
  return { ids: [...new Set(parts.map(Number))], error: null };
}

/**
 * A page of a list read one row past `limit` (`limit + 1` asked of the store): the rows to show, and the cursor of
 * the next page — the last row's id — or null at the end.
 */
export function cursorPage<T extends { id: string }>(
  rows: T[],
  limit: number,
): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { page, nextCursor: rows.length > limit ? page.at(-1)!.id : null };
}

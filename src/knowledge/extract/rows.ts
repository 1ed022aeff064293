/**
 * Renders a table row with its header ("Name: Ada; Role: engineer") so the row keeps the meaning its header gives
 * it wherever chunking puts it. Empty cells are left out; a cell under an empty header stands alone.
 */
export function renderRow(header: readonly string[], cells: readonly string[]): string {
  const parts: string[] = [];
  cells.forEach((cell, i) => {
    if (cell === "") return;
    const name = header[i] ?? "";
    parts.push(name && name !== cell ? `${name}: ${cell}` : cell);
  });
  return parts.join("; ");
}

/** Operations and ledger entry types as the operator reads them on the admin pages. */
const OPERATIONS: Record<string, string> = {
  "training.embed": "Document indexing",
  "training.query": "Knowledge-base search",
  "training.delete": "Deletion",
  "images.generate": "Image generation",
  "images.edit": "Image edit",
  "images.upscale": "Image upscale",
};

export function operationName(operation: string | null | undefined): string {
  if (!operation) return "";
  const known = OPERATIONS[operation] ?? OPERATIONS[operation.split(".").slice(0, 2).join(".")];
  return known ?? operation;
}

const TYPES: Record<string, string> = {
  purchase: "Purchase",
  bonus: "Purchase bonus",
  grant: "Grant",
  adjustment: "Adjustment",
  usage: "Spent",
  hold: "Reserved",
  release: "Released",
  refund: "Refund",
};

export const entryTypeName = (type: string): string => TYPES[type] ?? type;

export const FEATURES: Record<string, string> = { training: "Training", images: "Images" };

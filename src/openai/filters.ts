import { z } from "zod";
import type { MetadataValue } from "../knowledge/search/search-index.js";

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

export const ComparisonFilter = z.object({
  key: z.string().min(1).max(64),
  type: z.enum(["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin"]),
  value: z.union([Scalar, z.array(Scalar).max(100)]),
});

export type Filter = z.infer<typeof ComparisonFilter> | { type: "and" | "or"; filters: Filter[] };

export const Filter: z.ZodType<Filter> = z.lazy(() =>
  z.union([ComparisonFilter, z.object({ type: z.enum(["and", "or"]), filters: z.array(Filter).min(1).max(20) })]),
);

/**
 * Whether a file's attributes pass OpenAI's comparison and compound filters. A file's attributes are copied onto
 * every one of its passages, so choosing the files first is exactly filtering the passages.
 */
export function matches(filter: Filter, attributes: Record<string, MetadataValue>): boolean {
  if ("filters" in filter)
    return filter.type === "and"
      ? filter.filters.every((f) => matches(f, attributes))
      : filter.filters.some((f) => matches(f, attributes));
  const actual = attributes[filter.key];
  const { value } = filter;
  switch (filter.type) {
    case "eq":
      return actual === value;
    case "ne":
      return actual !== value;
    case "in":
      return Array.isArray(value) && actual !== undefined && value.includes(actual);
    case "nin":
      return Array.isArray(value) && (actual === undefined || !value.includes(actual));
    default: {
      if (actual === undefined || Array.isArray(value) || typeof actual !== typeof value) return false;
      const a = actual as number | string;
      const b = value as number | string;
      if (filter.type === "gt") return a > b;
      if (filter.type === "gte") return a >= b;
      if (filter.type === "lt") return a < b;
      return a <= b;
    }
  }
}

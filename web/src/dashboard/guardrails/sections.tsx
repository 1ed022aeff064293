import type { FunctionComponent } from "preact";
import type { CustomerSession } from "../session";

/** The page's sections, in the order they appear; each feature adds its one line. */
export const SECTIONS: { id: string; Component: FunctionComponent<{ session: CustomerSession }> }[] = [];

import type { App } from "../http/server.js";
import { documentRoutes } from "./document-routes.js";
import { knowledgeBaseRoutes } from "./knowledge-base-routes.js";
import { queryRoutes } from "./query-routes.js";
import type { KnowledgeRouteDeps } from "./route-schemas.js";

/** The knowledge API, registered in this order (the OpenAPI document lists the paths as registered). */
export function knowledgeRoutes(app: App, deps: KnowledgeRouteDeps): void {
  knowledgeBaseRoutes(app, deps);
  documentRoutes(app, deps);
  queryRoutes(app, deps);
}

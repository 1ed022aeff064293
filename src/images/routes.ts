import type { IdempotencyStore } from "../http/idempotency.js";
import type { App } from "../http/server.js";
import type { LicenseStore } from "../licenses/store.js";
import type { Deleter } from "../privacy/deleter.js";
import { imageLibraryRoutes } from "./library-routes.js";
import { imagePresenter } from "./route-schemas.js";
import type { ImageService } from "./service.js";
import { imageUseCaseRoutes } from "./use-case-routes.js";

/**
 * The customer's image routes: the charged use cases (`use-case-routes.ts`), then the stored images
 * (`library-routes.ts`). The operator's view is `admin-routes.ts`.
 */
export function imageRoutes(
  app: App,
  deps: {
    images: ImageService;
    licenses: LicenseStore;
    idempotency: IdempotencyStore;
    deleter: Deleter;
    publicUrl: string;
  },
): void {
  const presenter = imagePresenter(deps.publicUrl);
  imageUseCaseRoutes(app, { images: deps.images, licenses: deps.licenses, idempotency: deps.idempotency, presenter });
  imageLibraryRoutes(app, { images: deps.images, licenses: deps.licenses, deleter: deps.deleter, presenter });
}

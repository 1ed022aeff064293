import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { LocalBlobStore } from "../../src/storage/local.js";
import { runBlobStoreContract } from "./blob-store.contract.js";

runBlobStoreContract("LocalBlobStore", async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "blobs-"));
  return {
    store: new LocalBlobStore(root),
    // The file itself must be gone from disk, not merely unreadable through the store.
    held: (key) =>
      fs.stat(path.join(root, key)).then(
        () => true,
        () => false,
      ),
    cleanup: () => fs.rm(root, { recursive: true, force: true }),
  };
});

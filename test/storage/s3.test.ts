import { expect } from "vitest";
import { S3BlobStore } from "../../src/storage/s3.js";
import { runBlobStoreContract } from "./blob-store.contract.js";
import { FakeS3 } from "./fake-s3.js";

const CREDS = { accessKeyId: "AKIAFAKEEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY" };
const BUCKET = "blobs-test";

for (const prefix of ["tenant-a/blobs", undefined]) {
  runBlobStoreContract(`S3BlobStore (fake S3, prefix ${prefix ?? "none"})`, async () => {
    const fake = await FakeS3.start({ ...CREDS, region: "eu-west-1", buckets: [BUCKET] });
    const store = new S3BlobStore({
      bucket: BUCKET,
      region: "eu-west-1",
      endpoint: fake.endpoint,
      forcePathStyle: true,
      credentials: CREDS,
      prefix,
    });
    return {
      store,
      held: async (key) => fake.buckets.get(BUCKET)!.has(prefix ? `${prefix}/${key}` : key),
      verify: () => {
        const violations = fake.violations.splice(0);
        expect(violations).toEqual([]);
        // Invalid keys must be refused before anything is sent, and every request reached the bucket path-style.
        for (const r of fake.requests.splice(0)) expect(r.url.startsWith(`/${BUCKET}/`)).toBe(true);
      },
      cleanup: async () => {
        store.close();
        await fake.close();
      },
    };
  });
}

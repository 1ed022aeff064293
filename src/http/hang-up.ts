import type { FastifyReply } from "fastify";
import { ApiError } from "../errors.js";

/**
 * An AbortSignal that fires when the client closes the connection before its response was sent, so the work done
 * for it can stop and its hold be released. (`request.raw`'s `close` is no use: it fires once the body is read.)
 */
export function signalOnHangUp(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once("close", () => {
    if (!reply.raw.writableFinished)
      controller.abort(new ApiError("CLIENT_CLOSED_REQUEST", "the client closed the connection before the answer"));
  });
  return controller.signal;
}

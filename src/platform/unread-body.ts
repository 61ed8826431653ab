import type { FastifyReply, FastifyRequest } from 'fastify';

/** How much of a refused body the server reads, and for how long, so its client can read the answer. */
export const DRAIN_MAX_BYTES = 32 * 1024 * 1024;
export const DRAIN_MAX_MS = 10_000;

/**
 * Reads and discards what is left of a body the server refused before reading it (413 on its
 * Content-Length, a 401 before parsing), then lets the connection be kept.
 *
 * Fastify answers such a request with `Connection: close`, and Node closes the socket as soon as
 * the answer is written. A client still sending its body then gets a reset (EPIPE, ECONNRESET) and
 * never reads the 413 — curl and most libraries send the whole body before reading. Reading the rest
 * first (what web servers call a lingering close) lets them finish and read the answer. Up to
 * DRAIN_MAX_BYTES for DRAIN_MAX_MS: past that the connection is closed as before, and a client that
 * is still sending may see a reset; only it could avoid that (`Expect: 100-continue`, or reading
 * while it sends).
 */
export async function drainUnreadBody(
  request: FastifyRequest,
  reply: FastifyReply,
  limits: { maxBytes: number; maxMs: number } = { maxBytes: DRAIN_MAX_BYTES, maxMs: DRAIN_MAX_MS },
): Promise<void> {
  const raw = request.raw;
  if (raw.complete || raw.destroyed || raw.readableEnded) return;
  const drained = await new Promise<boolean>((resolve) => {
    let bytes = 0;
    const finish = (whole: boolean) => {
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', onEnd);
      raw.off('close', onClose);
      raw.off('error', onError);
      resolve(whole);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limits.maxBytes) finish(false);
    };
    const onEnd = () => finish(true);
    const onClose = () => finish(raw.complete);
    const onError = () => finish(false);
    const timer = setTimeout(() => finish(false), limits.maxMs);
    raw.on('data', onData);
    raw.once('end', onEnd);
    raw.once('close', onClose);
    raw.once('error', onError);
    raw.resume();
  });
  // Read to its end, the request leaves nothing behind on the connection: it may serve the next one.
  if (drained) reply.removeHeader('connection');
}

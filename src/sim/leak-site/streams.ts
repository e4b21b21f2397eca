/** Responses that never finish quickly: slow drip, endless chunked and huge single-line bodies. */
import type { ServerResponse } from 'node:http';
import type { StreamResource } from './respond.js';
import type { RequestLogEntry } from './types.js';

/** Declared length of the slow-drip body: at one byte per 500 ms it would take 34 minutes. */
export const SLOW_DRIP_LENGTH = 4096;
export const SLOW_DRIP_INTERVAL_MS = 500;
/** Length of the single-line attachment (100 MiB). */
export const HUGE_LINE_LENGTH = 100 * 1024 * 1024;

const FILLER = 'patient_id;hetu;full_name;email;phone;birth_date;mrn\n';

// Writes chunks while the client keeps up, yielding to the event loop between writes.
function pump(res: ServerResponse, log: RequestLogEntry, next: () => Uint8Array | null): void {
  const go = (): void => {
    if (res.destroyed) return;
    const chunk = next();
    if (!chunk) {
      res.end();
      return;
    }
    log.bytes += chunk.length;
    if (res.write(chunk)) setImmediate(go);
    else res.once('drain', go);
  };
  go();
}

/** One byte every 500 ms of a body that declares SLOW_DRIP_LENGTH bytes. */
export function slowDrip(type: string): StreamResource {
  return {
    kind: 'stream',
    start(res, log) {
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': String(SLOW_DRIP_LENGTH) });
      log.status = 200;
      res.flushHeaders();
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed) return;
        res.write(FILLER[sent % FILLER.length]!);
        log.bytes++;
        if (++sent === SLOW_DRIP_LENGTH) {
          clearInterval(timer);
          res.end();
        }
      }, SLOW_DRIP_INTERVAL_MS);
      res.on('close', () => clearInterval(timer));
    },
  };
}

/** A chunked body that never ends (until the client goes away). */
export function endlessChunked(type: string): StreamResource {
  const chunk = Buffer.from(FILLER.repeat(Math.ceil(16_384 / FILLER.length)).slice(0, 16_384));
  return {
    kind: 'stream',
    start(res, log) {
      res.writeHead(200, { 'Content-Type': type, 'Transfer-Encoding': 'chunked' });
      log.status = 200;
      pump(res, log, () => chunk);
    },
  };
}

/** HUGE_LINE_LENGTH bytes of words without a single newline, generated as it is sent. */
export function hugeLine(): StreamResource {
  const pattern = Buffer.from('lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor '.repeat(852));
  return {
    kind: 'stream',
    start(res, log) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(HUGE_LINE_LENGTH) });
      log.status = 200;
      let left = HUGE_LINE_LENGTH;
      pump(res, log, () => {
        if (left === 0) return null;
        const n = Math.min(left, pattern.length);
        left -= n;
        return pattern.subarray(0, n);
      });
    },
  };
}

/** Name-based UUIDs (RFC 4122 version 5), so exports give the same ids for the same things every time. */
import { createHash } from 'node:crypto';

/** UUIDv5 of `name` in `namespace` (a UUID string). */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** leakwatch's own namespace for SDO and MISP ids (a fixed random UUID). */
export const LEAKWATCH_NS = '6f1d3c52-4b8e-4c1a-9a57-2d8f0e6b7c31';

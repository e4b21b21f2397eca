/** A TCP connect with a deadline, for reachability checks. */
import { connect, type Socket } from 'node:net';

/** Why a connect did not succeed: an errno code, or ETIMEDOUT for our own deadline. */
export class ConnectFailure extends Error {
  readonly code: string;

  constructor(code: string) {
    super(`connect failed (${code})`);
    this.code = code;
  }
}

/** Opens a TCP connection or rejects with a ConnectFailure within `timeoutMs`. */
export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ConnectFailure('ETIMEDOUT'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new ConnectFailure(err.code ?? 'error'));
    });
  });
}

/**
 * The part of the `smpp` package (0.5.1, no types of its own) that Libra uses: a client session,
 * the server side the tests run as a peer, PDUs and their fields, the status codes and the coders.
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  /** A PDU's fields: the header, the command's parameters and any TLVs, by their spec names. */
  export interface PDU {
    command: string;
    command_id: number;
    command_status: number;
    sequence_number: number;
    [field: string]: unknown;
    isResponse(): boolean;
    response(options?: Record<string, unknown>): PDU;
  }

  export const PDU: {
    new (command: string, options?: Record<string, unknown>): PDU;
  };

  export type PduCallback = (pdu: PDU) => void;

  export class Session extends EventEmitter {
    socket: Socket;
    server?: Server;
    send(pdu: PDU, responseCallback?: PduCallback, sendCallback?: PduCallback): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
    bind_transceiver(options: Record<string, unknown>, responseCallback?: PduCallback): boolean;
    submit_sm(options: Record<string, unknown>, responseCallback?: PduCallback): boolean;
    deliver_sm(options: Record<string, unknown>, responseCallback?: PduCallback): boolean;
    enquire_link(options?: Record<string, unknown> | PduCallback, responseCallback?: PduCallback): boolean;
    unbind(options?: Record<string, unknown> | PduCallback, responseCallback?: PduCallback): boolean;
  }

  export class Server extends NetServer {
    sessions: Session[];
  }

  export function connect(
    options: { host: string; port: number; tls?: boolean; auto_enquire_link_period?: number },
    listener?: () => void,
  ): Session;
  export function createServer(listener: (session: Session) => void): Server;

  interface Coder {
    match(value: string): boolean;
    encode(value: string): Buffer;
    decode(value: Buffer): string;
  }
  export const encodings: { ASCII: Coder; LATIN1: Coder; UCS2: Coder };
  export const gsmCoder: { GSM: { chars: string } };

  /** ESME_ROK, ESME_RTHROTTLED…: the command_status values by name. */
  export const errors: Record<string, number>;
  export const consts: {
    ESM_CLASS: Record<string, number>;
    MESSAGE_STATE: Record<string, number>;
    TON: Record<string, number>;
    NPI: Record<string, number>;
    ENCODING: Record<string, number>;
    REGISTERED_DELIVERY: Record<string, number>;
  };
}

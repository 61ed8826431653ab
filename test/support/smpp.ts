import type { AddressInfo } from 'node:net';
import smpp, { type PDU, type Session } from 'smpp';

/** One submit_sm as the SMSC read it (the `smpp` package's own decoding of the octets). */
export interface SubmittedSm {
  systemId: string;
  sourceAddr: string;
  sourceTon: number;
  sourceNpi: number;
  destinationAddr: string;
  destTon: number;
  destNpi: number;
  esmClass: number;
  dataCoding: number;
  registeredDelivery: number;
  /** The text of this SMS or part, decoded as its data_coding says (0: GSM-7, 8: UCS-2). */
  text: string;
  /** The concatenation header's fields, when the part has one (IEI 0x00). */
  concatenation?: { reference: number; total: number; sequence: number };
  /** The command_status the server answered. */
  status: number;
  /** The message_id answered (accepted submits only). */
  messageId?: string;
}

export interface ReceiptOptions {
  /** The `err:` of the text (default 000, or 001 when not delivered). */
  err?: string;
  /** Also send the receipted_message_id and message_state TLVs (with these values). */
  tlv?: { receiptedMessageId: string; messageState: number };
}

export interface TestSmppServer {
  port: number;
  url: string;
  /** Every submit_sm received, accepted or not, in order. */
  submitted: SubmittedSm[];
  /** Every bind attempt and whether it was accepted. */
  binds: { systemId: string; accepted: boolean }[];
  /** enquire_link requests answered so far. */
  enquireLinks(): number;
  /** Sessions bound right now. */
  boundSessions(): number;
  /** Answers the next submit_sm with these command_status values, one each (0 accepts). */
  answerNext(...statuses: number[]): void;
  /** Leaves submit_sm unanswered until told otherwise (a silent SMSC). */
  setSilent(silent: boolean): void;
  /**
   * Sends an SMSC delivery receipt for a message id on the newest bound session, written in ASCII
   * with data_coding 0 as SMSCs write them; resolves with the command_status of the deliver_sm_resp.
   */
  sendReceipt(messageId: string, stat: string, options?: ReceiptOptions): Promise<number>;
  /** Drops every connection at once (no unbind), as a failing network or SMSC would. */
  dropConnections(): void;
  /** Ends every bind the polite way (unbind), as an SMSC going down for maintenance does. */
  unbindSessions(): void;
  close(): Promise<void>;
}

function concatenationOf(udh: unknown): SubmittedSm['concatenation'] {
  if (!Array.isArray(udh)) return undefined;
  for (const ie of udh as Buffer[]) {
    if (ie[0] === 0x00 && ie[1] === 0x03)
      return { reference: ie[2] ?? -1, total: ie[3] ?? -1, sequence: ie[4] ?? -1 };
  }
  return undefined;
}

/**
 * A real SMPP 3.4 peer on loopback (the `smpp` package's server side): it checks the system_id and
 * password of a bind, keeps every submit_sm, answers message ids (or the statuses it is told), and
 * can send delivery receipts or drop its connections.
 */
export async function startSmppServer(
  credentials = { systemId: 'libra', password: 'secreto' },
): Promise<TestSmppServer> {
  const submitted: SubmittedSm[] = [];
  const binds: { systemId: string; accepted: boolean }[] = [];
  const answers: number[] = [];
  const bound = new Map<Session, string>();
  let silent = false;
  let enquireLinks = 0;
  let nextId = 0x5f00;

  const server = smpp.createServer((session: Session) => {
    // A connection the client drops mid-way is nothing to crash over.
    session.on('error', () => {});
    session.socket.on('close', () => bound.delete(session));
    session.on('bind_transceiver', (pdu: PDU) => {
      const systemId = String(pdu.system_id);
      const status =
        systemId !== credentials.systemId
          ? smpp.errors.ESME_RINVSYSID
          : pdu.password !== credentials.password
            ? smpp.errors.ESME_RINVPASWD
            : 0;
      binds.push({ systemId, accepted: status === 0 });
      if (status) {
        session.send(pdu.response({ command_status: status }));
        session.close();
        return;
      }
      bound.set(session, systemId);
      session.send(pdu.response({ system_id: 'LOOPBACK-SMSC' }));
    });
    session.on('submit_sm', (pdu: PDU) => {
      const systemId = bound.get(session);
      if (systemId === undefined) {
        session.send(pdu.response({ command_status: smpp.errors.ESME_RINVBNDSTS }));
        return;
      }
      if (silent) return;
      const message = pdu.short_message as { udh?: unknown; message?: unknown };
      const status = answers.shift() ?? 0;
      // Ids with an underscore: a receipt's text must give them back exactly.
      const messageId = status === 0 ? `id_${(nextId++).toString(16)}` : undefined;
      submitted.push({
        systemId,
        sourceAddr: String(pdu.source_addr),
        sourceTon: Number(pdu.source_addr_ton),
        sourceNpi: Number(pdu.source_addr_npi),
        destinationAddr: String(pdu.destination_addr),
        destTon: Number(pdu.dest_addr_ton),
        destNpi: Number(pdu.dest_addr_npi),
        esmClass: Number(pdu.esm_class),
        dataCoding: Number(pdu.data_coding),
        registeredDelivery: Number(pdu.registered_delivery),
        text: typeof message?.message === 'string' ? message.message : '',
        concatenation: concatenationOf(message?.udh),
        status,
        ...(messageId ? { messageId } : {}),
      });
      session.send(pdu.response(status === 0 ? { message_id: messageId } : { command_status: status }));
    });
    session.on('enquire_link', (pdu: PDU) => {
      enquireLinks++;
      session.send(pdu.response());
    });
    session.on('unbind', (pdu: PDU) => {
      bound.delete(session);
      session.send(pdu.response());
      session.close();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `smpp://${credentials.systemId}:${credentials.password}@127.0.0.1:${port}`,
    submitted,
    binds,
    enquireLinks: () => enquireLinks,
    boundSessions: () => bound.size,
    answerNext: (...statuses) => answers.push(...statuses),
    setSilent: (value) => {
      silent = value;
    },
    sendReceipt(messageId, stat, options = {}) {
      const session = [...bound.keys()].at(-1);
      if (!session) return Promise.reject(new Error('no session is bound'));
      const err = options.err ?? (stat === 'DELIVRD' ? '000' : '001');
      const dlvrd = stat === 'DELIVRD' ? '001' : '000';
      const text = `id:${messageId} sub:001 dlvrd:${dlvrd} submit date:2611251405 done date:2611251406 stat:${stat} err:${err} text:Tu grua va en c`;
      return new Promise<number>((resolve) => {
        session.deliver_sm(
          {
            source_addr_ton: 1,
            source_addr_npi: 1,
            source_addr: '525512345678',
            dest_addr_ton: 5,
            destination_addr: 'LIBRA',
            esm_class: smpp.consts.ESM_CLASS.MC_DELIVERY_RECEIPT,
            data_coding: 0,
            short_message: Buffer.from(text, 'ascii'),
            ...(options.tlv
              ? {
                  receipted_message_id: options.tlv.receiptedMessageId,
                  message_state: options.tlv.messageState,
                }
              : {}),
          },
          (response) => resolve(response.command_status),
        );
      });
    },
    dropConnections: () => {
      for (const session of [...server.sessions]) session.destroy();
    },
    unbindSessions: () => {
      for (const session of [...bound.keys()]) {
        bound.delete(session);
        session.unbind({}, () => session.close());
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of [...server.sessions]) session.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The text of a concatenated message, its parts put back in order (throws if one is missing). */
export function reassemble(parts: SubmittedSm[]): string {
  const [first] = parts;
  if (!first?.concatenation) return parts.map((p) => p.text).join('');
  const { reference, total } = first.concatenation;
  const ordered = [...parts].sort(
    (a, b) => (a.concatenation?.sequence ?? 0) - (b.concatenation?.sequence ?? 0),
  );
  if (
    ordered.length !== total ||
    ordered.some((p, i) => p.concatenation?.reference !== reference || p.concatenation?.sequence !== i + 1)
  )
    throw new Error('the parts do not make one whole message');
  return ordered.map((p) => p.text).join('');
}

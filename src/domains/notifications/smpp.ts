import { createHash } from 'node:crypto';
import smpp, { type PDU, type Session } from 'smpp';
import type { Clock } from '../../lib/clock.ts';
import type { Channel, Delivery, OutgoingMessage, Receipt } from './channels.ts';
import {
  concatenationHeader,
  encodeGsm7,
  encodePart,
  GSM7_BASIC,
  planSms,
  SmsTooLongError,
} from './sms-text.ts';

/**
 * SMS over SMPP 3.4, the protocol of carriers and SMS aggregators, with the `smpp` package: one
 * persistent transceiver bind (it submits, and receives the delivery receipts), kept alive with
 * enquire_link and re-established with backoff when it drops. Each message is planned by
 * `sms-text.ts` (GSM-7 or UCS-2, concatenated parts with a UDH) and submitted part by part; the
 * SMSC's answers decide the outcome, and its delivery receipts are reported to the outbox later.
 */

export interface SmppSettings {
  host: string;
  port: number;
  systemId: string;
  password: string;
}

export const SMPP_DEFAULT_PORT = 2775;

/**
 * `smpp://system_id:password@host:2775` (the port may be left out). Throws a RangeError whose
 * message completes "SMPP_URL …" when something is missing.
 */
export function parseSmppUrl(raw: string): SmppSettings {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RangeError('must be a URL like smpp://system_id:password@host:2775');
  }
  if (url.protocol !== 'smpp:') throw new RangeError('must start with smpp://');
  const systemId = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  if (!systemId || !password)
    throw new RangeError('must name the system_id and the password (smpp://system_id:password@host:2775)');
  if (!url.hostname) throw new RangeError('must name the SMSC host (smpp://system_id:password@host:2775)');
  if (url.pathname && url.pathname !== '/') throw new RangeError('must not have a path after host:port');
  return { host: url.hostname, port: url.port ? Number(url.port) : SMPP_DEFAULT_PORT, systemId, password };
}

export interface SenderAddress {
  addr: string;
  ton: number;
  npi: number;
}

/**
 * Who the SMS says it is from. An alphanumeric name (`LIBRA`: letters, digits and spaces, at most
 * 11, at least one letter) goes with TON 5 (alphanumeric) / NPI 0; a short code (3–8 digits) with
 * TON 3 (network specific) / NPI 0; a full number in E.164 (`+525512345678`) without its `+`, with
 * TON 1 (international) / NPI 1 (E.164). Throws a RangeError that completes "SMS_SENDER_ID …".
 */
export function senderAddressOf(senderId: string): SenderAddress {
  if (/^\+[1-9]\d{7,14}$/.test(senderId)) return { addr: senderId.slice(1), ton: 1, npi: 1 };
  if (/^\d{3,8}$/.test(senderId)) return { addr: senderId, ton: 3, npi: 0 };
  if (/^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/.test(senderId)) return { addr: senderId, ton: 5, npi: 0 };
  throw new RangeError(
    'must be a name of up to 11 letters, digits or spaces (like LIBRA), a short code of 3–8 digits, or a number in E.164 (+525512345678)',
  );
}

/**
 * The destination as SMPP wants it (international, E.164 without `+`): `+525512345678` as given;
 * a 10-digit Mexican number (how memberships keep phones) with country code 52 before it.
 */
export function destinationOf(to: string): string | undefined {
  const compact = to.replace(/[\s().-]/g, '');
  if (/^\+[1-9]\d{7,14}$/.test(compact)) return compact.slice(1);
  if (/^[1-9]\d{9}$/.test(compact)) return `52${compact}`;
  return undefined;
}

const STATUS_NAMES = new Map<number, string>();
for (const [name, code] of Object.entries(smpp.errors))
  if (!STATUS_NAMES.has(code)) STATUS_NAMES.set(code, name);

/** `ESME_RTHROTTLED (0x58)`: a command_status as people reading the log know it. */
export function statusName(status: number): string {
  const hex = `0x${status.toString(16).toUpperCase().padStart(2, '0')}`;
  return `${STATUS_NAMES.get(status) ?? 'unknown status'} (${hex})`;
}

/**
 * submit_sm_resp statuses that no retry will change: the number, the sender, the text or the
 * submission itself is wrong, or the SMSC refuses it for good. Any other refusal (throttled, queue
 * full, system error, submit failed, a vendor's own code) is worth trying again later.
 */
const PERMANENT_STATUSES = new Set<number>([
  0x01, // ESME_RINVMSGLEN
  0x06, // ESME_RINVPRTFLG
  0x07, // ESME_RINVREGDLVFLG
  0x0a, // ESME_RINVSRCADR
  0x0b, // ESME_RINVDSTADR
  0x15, // ESME_RINVSERTYP
  0x43, // ESME_RINVESMCLASS
  0x48, // ESME_RINVSRCTON
  0x49, // ESME_RINVSRCNPI
  0x50, // ESME_RINVDSTTON
  0x51, // ESME_RINVDSTNPI
  0x61, // ESME_RINVSCHED
  0x62, // ESME_RINVEXPIRY
  0x65, // ESME_RX_P_APPN
  0x66, // ESME_RX_R_APPN
  0xc0, // ESME_RINVTLVSTREAM
  0xc1, // ESME_RTLVNOTALLWD
  0xc2, // ESME_RINVTLVLEN
  0xc3, // ESME_RMISSINGTLV
  0xc4, // ESME_RINVTLVVAL
  0x100, // ESME_RSERTYPUNAUTH
  0x101, // ESME_RPROHIBITED
  0x103, // ESME_RSERTYPDENIED
  0x104, // ESME_RINVDCS
]);

export function isPermanentStatus(status: number): boolean {
  return PERMANENT_STATUSES.has(status);
}

const ESME_RINVBNDSTS = 0x04;
const ESME_RINVDSTADR = 0x0b;
const ESME_RINVCMDID = 0x03;
const ESME_RX_T_APPN = 0x64;

// Delivery receipts ------------------------------------------------------------------------------

/** The SMPP 3.4 message_state TLV values, named as receipts' `stat:` names them. */
const MESSAGE_STATES: Record<number, string> = {
  1: 'ENROUTE',
  2: 'DELIVRD',
  3: 'EXPIRED',
  4: 'DELETED',
  5: 'UNDELIV',
  6: 'ACCEPTD',
  7: 'UNKNOWN',
  8: 'REJECTD',
};

/**
 * What each final `stat:` means for the message. DELETED (removed at the SMSC) will not reach the
 * handset either: rejected. ACCEPTD, UNKNOWN and ENROUTE say nothing about the handset and are not
 * reported (the attempt stays "sent").
 */
const RECEIPT_STATUSES: Record<string, Receipt['status']> = {
  DELIVRD: 'delivered',
  UNDELIV: 'undeliverable',
  EXPIRED: 'expired',
  REJECTD: 'rejected',
  DELETED: 'rejected',
};

/** The fields of a deliver_sm a receipt is read from, as the `smpp` package decodes them. */
export interface DeliverSmFields {
  data_coding?: unknown;
  short_message?: unknown;
  message_payload?: unknown;
  receipted_message_id?: unknown;
  message_state?: unknown;
}

export interface ParsedReceipt {
  /** The SMSC's message id: the `receipted_message_id` TLV when present, else the text's `id:`. */
  id: string;
  /** `DELIVRD`, `UNDELIV`…: the message_state TLV's when present, else the text's `stat:`. */
  stat: string;
  err: string | undefined;
  /** What the outbox records, or undefined for a state that says nothing final. */
  status: Receipt['status'] | undefined;
  /** The carrier's words: `stat:UNDELIV err:001`. */
  detail: string;
}

const BYTE_OF_GSM = new Map([...GSM7_BASIC].map((c, code) => [c, code] as const));

/**
 * The text of a deliver_sm. The `smpp` package decodes data_coding 0 and 1 as GSM-7, while SMSCs
 * write receipts in ASCII: octets below 0x80 map one to one, so the GSM-7 characters are turned
 * back into their octets and read as ASCII (`_` would otherwise read `§`, `@` `¡`).
 */
export function deliverSmText(pdu: DeliverSmFields): string {
  const field = (pdu.short_message ?? pdu.message_payload) as { message?: unknown } | Buffer | undefined;
  const value = Buffer.isBuffer(field) ? field : field?.message;
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  if (typeof value !== 'string') return '';
  const coding = Number(pdu.data_coding ?? 0) & 0x0f;
  if (coding !== 0 && coding !== 1) return value;
  const octets: number[] = [];
  for (const char of value) {
    const code = BYTE_OF_GSM.get(char);
    if (code !== undefined) octets.push(code);
    else octets.push(...(tryGsm7(char) ?? [0x3f]));
  }
  return Buffer.from(octets).toString('latin1');
}

function tryGsm7(char: string): number[] | undefined {
  try {
    return [...encodeGsm7(char)];
  } catch {
    return undefined;
  }
}

/**
 * Reads an SMSC delivery receipt (SMPP 3.4 appendix B): `id:… sub:… dlvrd:… submit date:… done
 * date:… stat:DELIVRD err:000 text:…`. The TLVs receipted_message_id and message_state, when the
 * SMSC sends them, win over the text. Undefined when neither gives an id and a state.
 */
export function parseReceipt(pdu: DeliverSmFields): ParsedReceipt | undefined {
  const text = deliverSmText(pdu);
  const field = (name: string) => new RegExp(`(?:^|\\s)${name}:(\\S*)`, 'i').exec(text)?.[1];
  const tlvId = typeof pdu.receipted_message_id === 'string' ? pdu.receipted_message_id.trim() : '';
  const tlvState = typeof pdu.message_state === 'number' ? MESSAGE_STATES[pdu.message_state] : undefined;
  const id = tlvId || field('id');
  const stat = tlvState ?? field('stat')?.toUpperCase();
  if (!id || !stat) return undefined;
  const err = field('err');
  return {
    id,
    stat,
    err,
    status: RECEIPT_STATUSES[stat],
    detail: err === undefined ? `stat:${stat}` : `stat:${stat} err:${err}`,
  };
}

/** The receipt bit of esm_class: message type "SMSC delivery receipt" (bits 5–2 = 0001). */
function isDeliveryReceipt(pdu: PDU): boolean {
  return (Number(pdu.esm_class ?? 0) & 0x3c) === 0x04;
}

// The channel ------------------------------------------------------------------------------------

export interface SmppChannelOptions {
  /** `smpp://system_id:password@host:2775`. */
  url: string;
  /** SMS_SENDER_ID: an alphanumeric name, a short code or an E.164 number (`senderAddressOf`). */
  senderId: string;
  /** How long any answer of the SMSC (bind, submit, enquire_link) is waited for. Default 30 s. */
  replyTimeoutMs?: number;
  /** How often an idle bind is checked with enquire_link. Default 30 s. */
  enquireLinkMs?: number;
  /** Wait before the n-th reconnection in a row: `firstMs`·2ⁿ⁻¹ up to `maxMs`. Default 1 s, 60 s. */
  reconnect?: { firstMs: number; maxMs: number };
  /** Where the channel says what happened to its bind. Default: process warnings for warn and error. */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

type State = 'idle' | 'binding' | 'bound' | 'waiting' | 'closed';

interface Pending {
  fail(error: Error): void;
}

function defaultLog(level: 'info' | 'warn' | 'error', message: string): void {
  if (level !== 'info') process.emitWarning(message, { code: 'LIBRA_SMPP' });
}

/** The 8-bit reference of a message's parts: the same on every attempt of one notification. */
export function concatenationReference(notificationId: string): number {
  return createHash('sha256').update(notificationId).digest()[0] ?? 0;
}

/**
 * SMS over one SMPP transceiver bind. The bind is made at the first send, or at once by `open()`
 * (the processes that deliver, so receipts arrive before anything is sent); once made it is kept,
 * and made again after a drop at once, then after 1, 2, 4… up to 60 s while it keeps failing.
 */
export class SmppChannel implements Channel {
  readonly kind = 'sms' as const;
  private readonly settings: SmppSettings;
  private readonly sender: SenderAddress;
  private readonly replyTimeoutMs: number;
  private readonly enquireLinkMs: number;
  private readonly reconnect: { firstMs: number; maxMs: number };
  private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;
  private readonly listeners: ((receipt: Receipt) => void | Promise<void>)[] = [];
  private readonly pending = new Set<Pending>();

  private state: State = 'idle';
  private session: Session | undefined;
  private binding: Promise<Session> | undefined;
  /** Why the last bind failed or was lost; said again to the sends that find no bind. */
  private problem: string | undefined;
  /** Connections in a row that never bound: the backoff grows with them. */
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private nextAttemptAt = 0;
  private enquireTimer: NodeJS.Timeout | undefined;
  private enquiring = false;
  /** The SMSC ended the bind itself: the next one waits a little rather than racing back. */
  private unbound = false;

  constructor(
    options: SmppChannelOptions,
    private readonly clock: Clock,
  ) {
    this.settings = parseSmppUrl(options.url);
    this.sender = senderAddressOf(options.senderId);
    this.replyTimeoutMs = options.replyTimeoutMs ?? 30_000;
    this.enquireLinkMs = options.enquireLinkMs ?? 30_000;
    this.reconnect = options.reconnect ?? { firstMs: 1000, maxMs: 60_000 };
    this.log = options.log ?? defaultLog;
  }

  /** Binds now rather than at the first send (what fails is logged and retried with backoff). */
  open(): void {
    if (this.state === 'idle') this.bind();
  }

  /** Bound to the SMSC right now. */
  get bound(): boolean {
    return this.state === 'bound';
  }

  onReceipt(listener: (receipt: Receipt) => void | Promise<void>): void {
    this.listeners.push(listener);
  }

  async send(message: OutgoingMessage): Promise<Delivery> {
    const destination = destinationOf(message.to);
    if (!destination)
      return { outcome: 'permanent_failure', reason: 'invalid_phone_number', addressRejected: true };
    let plan: ReturnType<typeof planSms>;
    try {
      plan = planSms(message.text);
    } catch (error) {
      if (error instanceof SmsTooLongError)
        return { outcome: 'permanent_failure', reason: `text_too_long: ${error.parts} parts` };
      throw error;
    }
    let session: Session;
    try {
      session = await this.boundSession();
    } catch (error) {
      return { outcome: 'temporary_failure', reason: `smpp not bound: ${(error as Error).message}` };
    }
    const total = plan.parts.length;
    const reference = concatenationReference(message.id);
    let firstId: string | undefined;
    for (const [index, part] of plan.parts.entries()) {
      const where = total > 1 ? ` (part ${index + 1} of ${total})` : '';
      const body = encodePart(plan, part);
      let response: PDU;
      try {
        response = await this.request(session, 'submit_sm', {
          service_type: '',
          source_addr_ton: this.sender.ton,
          source_addr_npi: this.sender.npi,
          source_addr: this.sender.addr,
          dest_addr_ton: 1,
          dest_addr_npi: 1,
          destination_addr: destination,
          // Store and forward (the SMSC's default mode); UDHI when the text starts with a header.
          esm_class: total > 1 ? 0x40 : 0x00,
          registered_delivery: 1,
          data_coding: plan.dataCoding,
          short_message:
            total > 1 ? Buffer.concat([concatenationHeader(reference, total, index + 1), body]) : body,
        });
      } catch (error) {
        return { outcome: 'temporary_failure', reason: `submit_sm${where}: ${(error as Error).message}` };
      }
      const status = response.command_status;
      if (status !== 0) {
        // The SMSC lost track of the bind: drop it, so the next send binds again.
        if (status === ESME_RINVBNDSTS) session.destroy();
        const reason = `submit_sm refused${where}: ${statusName(status)}`;
        if (!isPermanentStatus(status)) return { outcome: 'temporary_failure', reason };
        // Only an invalid destination is the number's fault (a bad TON/NPI or text is ours).
        return { outcome: 'permanent_failure', reason, addressRejected: status === ESME_RINVDSTADR };
      }
      firstId ??= String(response.message_id ?? '');
    }
    // The first part's id names the message: its receipt is the one the outbox matches.
    return { outcome: 'sent', providerMessageId: firstId ?? '' };
  }

  /** Unbinds (waiting a little for the SMSC's answer) and closes the connection; no reconnection. */
  async close(): Promise<void> {
    const wasBound = this.state === 'bound';
    this.state = 'closed';
    clearTimeout(this.reconnectTimer);
    clearInterval(this.enquireTimer);
    const session = this.session;
    this.session = undefined;
    if (!session) return this.failPending(new Error('channel closed'));
    if (wasBound)
      await this.request(session, 'unbind', {}, Math.min(this.replyTimeoutMs, 5000)).catch(() => undefined);
    this.failPending(new Error('channel closed'));
    await new Promise<void>((resolve) => {
      if (session.socket.destroyed) return resolve();
      session.socket.once('close', () => resolve());
      session.close();
      // A peer that does not close its side is not waited for.
      setTimeout(() => session.destroy(), 1000).unref();
    });
  }

  // The bind ---------------------------------------------------------------------------------------

  private async boundSession(): Promise<Session> {
    switch (this.state) {
      case 'closed':
        throw new Error('channel closed');
      case 'bound':
        if (this.session) return this.session;
        break;
      case 'waiting': {
        const seconds = Math.max(0, Math.ceil((this.nextAttemptAt - Date.now()) / 1000));
        throw new Error(`${this.problem ?? 'connection lost'}; binding again in ${seconds} s`);
      }
      case 'idle':
        this.bind();
        break;
    }
    if (!this.binding) throw new Error(this.problem ?? 'not bound');
    return this.binding;
  }

  private bind(): void {
    this.state = 'binding';
    const binding = this.connect();
    binding.catch(() => undefined);
    this.binding = binding;
  }

  private connect(): Promise<Session> {
    const { host, port, systemId, password } = this.settings;
    const where = `${host}:${port}`;
    return new Promise<Session>((resolve, reject) => {
      const session = smpp.connect({ host, port });
      this.session = session;
      let settled = false;
      const fail = (problem: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.problem = problem;
        reject(new Error(problem));
      };
      const timer = setTimeout(() => {
        fail(`no answer to bind_transceiver from ${where} within ${this.replyTimeoutMs / 1000} s`);
        session.destroy();
      }, this.replyTimeoutMs);
      session.on('connect', () => {
        session.bind_transceiver(
          { system_id: systemId, password, system_type: '', interface_version: 0x34 },
          (response) => {
            if (settled || this.session !== session) return;
            if (response.command_status === 0) {
              settled = true;
              clearTimeout(timer);
              this.onBound(session);
              resolve(session);
              return;
            }
            const problem = `bind refused by ${where} for system_id "${systemId}": ${statusName(response.command_status)}`;
            this.log(
              'error',
              `SMPP ${problem} — check SMPP_URL's system_id and password; SMS stay unsent (retried later) until a bind succeeds`,
            );
            fail(problem);
            session.close();
          },
        );
      });
      session.on('error', (error: Error) => {
        const problem = `connection to ${where} failed: ${error.message}`;
        if (!settled) fail(problem);
        else this.problem = problem;
        // A socket error closes it anyway; a PDU the package cannot read leaves it stuck: drop it.
        session.destroy();
      });
      session.on('close', () => {
        fail(`connection to ${where} closed before the bind`);
        this.closed(session);
      });
      session.on('pdu', (pdu: PDU) => this.received(session, pdu));
    });
  }

  private onBound(session: Session): void {
    this.state = 'bound';
    this.failures = 0;
    this.problem = undefined;
    this.binding = undefined;
    this.log('info', `SMPP bound as transceiver to ${this.settings.host}:${this.settings.port}`);
    clearInterval(this.enquireTimer);
    this.enquireTimer = setInterval(() => this.enquire(session), this.enquireLinkMs);
    this.enquireTimer.unref();
  }

  /** enquire_link on an idle bind; no answer within the reply timeout drops it (and binds again). */
  private enquire(session: Session): void {
    if (this.enquiring || this.session !== session) return;
    this.enquiring = true;
    this.request(session, 'enquire_link', {})
      .catch((error: Error) => {
        this.log('warn', `SMPP enquire_link unanswered (${error.message}): reconnecting`);
        session.destroy();
      })
      .finally(() => {
        this.enquiring = false;
      });
  }

  private closed(session: Session): void {
    if (this.session !== session) return;
    this.session = undefined;
    this.binding = undefined;
    clearInterval(this.enquireTimer);
    const wasBound = this.state === 'bound';
    const unbound = this.unbound;
    this.unbound = false;
    if (wasBound)
      this.problem = unbound
        ? 'the SMSC ended the bind'
        : `connection to ${this.settings.host}:${this.settings.port} lost`;
    this.failPending(new Error(this.problem ?? 'connection lost'));
    if (this.state === 'closed') return;
    if (wasBound && !unbound) {
      // A bind that worked and dropped is made again at once; failures back off from then on.
      this.log('warn', `SMPP ${this.problem}: binding again`);
      this.bind();
      return;
    }
    this.failures++;
    const delay = Math.min(this.reconnect.firstMs * 2 ** (this.failures - 1), this.reconnect.maxMs);
    this.state = 'waiting';
    this.nextAttemptAt = Date.now() + delay;
    this.reconnectTimer = setTimeout(() => {
      if (this.state === 'waiting') this.bind();
    }, delay);
    this.reconnectTimer.unref();
  }

  private failPending(error: Error): void {
    for (const pending of [...this.pending]) pending.fail(error);
    this.pending.clear();
  }

  /** Sends a request and waits for its answer, for the reply timeout at most. */
  private request(
    session: Session,
    command: 'submit_sm' | 'enquire_link' | 'unbind',
    params: Record<string, unknown>,
    timeoutMs = this.replyTimeoutMs,
  ): Promise<PDU> {
    return new Promise<PDU>((resolve, reject) => {
      const pending: Pending = {
        fail: (error) => {
          clearTimeout(timer);
          this.pending.delete(pending);
          reject(error);
        },
      };
      const timer = setTimeout(
        () => pending.fail(new Error(`no ${command}_resp within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      this.pending.add(pending);
      const written = session.send(new smpp.PDU(command, params), (response) => {
        clearTimeout(timer);
        this.pending.delete(pending);
        resolve(response);
      });
      if (!written) pending.fail(new Error('connection not writable'));
    });
  }

  // What the SMSC sends ----------------------------------------------------------------------------

  private received(session: Session, pdu: PDU): void {
    if (pdu.isResponse()) return;
    switch (pdu.command) {
      case 'deliver_sm':
        void this.delivered(session, pdu);
        return;
      case 'enquire_link':
        session.send(pdu.response());
        return;
      case 'unbind':
        // The SMSC ends the bind (maintenance): answer, close, and bind again after a pause.
        session.send(pdu.response());
        this.unbound = true;
        session.close();
        return;
      case 'alert_notification':
        return; // no answer is defined for it
      default:
        session.send(pdu.response({ command_status: ESME_RINVCMDID }));
    }
  }

  /**
   * A delivery receipt is read and handed to every listener, then answered: 0 when they took it,
   * ESME_RX_T_APPN (try again later) when one failed, so the SMSC delivers it again. A deliver_sm
   * that is not a receipt (a reply from the person) is answered and not kept.
   */
  private async delivered(session: Session, pdu: PDU): Promise<void> {
    let status = 0;
    const fields = pdu as DeliverSmFields;
    if (isDeliveryReceipt(pdu)) {
      const parsed = parseReceipt(fields);
      if (!parsed)
        this.log('warn', `SMPP delivery receipt not understood: "${deliverSmText(fields).slice(0, 200)}"`);
      else if (parsed.status) {
        const receipt: Receipt = {
          channel: 'sms',
          providerMessageId: parsed.id,
          status: parsed.status,
          detail: parsed.detail,
          at: this.clock.now(),
        };
        for (const listener of this.listeners) {
          try {
            await listener(receipt);
          } catch (error) {
            // The SMSC delivers it again later.
            status = ESME_RX_T_APPN;
            this.log('error', `SMPP receipt for ${parsed.id} not recorded: ${(error as Error).message}`);
          }
        }
      }
    }
    if (!session.socket.destroyed) session.send(pdu.response({ command_status: status }));
  }
}

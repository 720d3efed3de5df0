/**
 * The server side of a WebSocket (RFC 6455), enough for Slack's Socket Mode: the opening handshake, text
 * frames both ways (fragmented ones reassembled), ping answered with pong, and the closing handshake.
 * Frames from the client are masked, as the RFC requires; ours are not. No extensions are negotiated.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

export interface WebSocketConnectionEvents {
  message: [text: string];
  close: [code: number];
}

export class WebSocketConnection extends EventEmitter<WebSocketConnectionEvents> {
  readonly #socket: Duplex;
  #buffer = Buffer.alloc(0);
  #fragments: Buffer[] = [];
  #closeSent = false;
  #closed = false;

  constructor(socket: Duplex) {
    super();
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#readFrames();
    });
    socket.on('close', () => this.#finish(1006));
    socket.on('error', () => this.#finish(1006));
  }

  get open(): boolean {
    return !this.#closed && !this.#closeSent;
  }

  send(text: string): void {
    if (this.open) this.#write(OP_TEXT, Buffer.from(text, 'utf8'));
  }

  ping(data = ''): void {
    if (this.open) this.#write(OP_PING, Buffer.from(data));
  }

  /** Starts the closing handshake; the socket ends when the client answers (or after a second). */
  close(code = 1000): void {
    if (this.#closed || this.#closeSent) return;
    this.#sendClose(code);
    setTimeout(() => this.#socket.destroy(), 1000).unref();
  }

  /** Drops the connection without a closing handshake, like a network failure. */
  terminate(): void {
    this.#socket.destroy();
  }

  #sendClose(code: number): void {
    this.#closeSent = true;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code);
    this.#write(OP_CLOSE, payload);
  }

  #write(opcode: number, payload: Buffer): void {
    let header: Buffer;
    if (payload.length < 126) {
      header = Buffer.from([0x80 | opcode, payload.length]);
    } else if (payload.length < 65536) {
      header = Buffer.alloc(4);
      header[0] = 0x80 | opcode;
      header[1] = 126;
      header.writeUInt16BE(payload.length, 2);
    } else {
      header = Buffer.alloc(10);
      header[0] = 0x80 | opcode;
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(payload.length), 2);
    }
    if (!this.#socket.destroyed) this.#socket.write(Buffer.concat([header, payload]));
  }

  #readFrames(): void {
    for (;;) {
      const frame = this.#nextFrame();
      if (frame === null) return;
      this.#onFrame(frame.fin, frame.opcode, frame.payload);
    }
  }

  #nextFrame(): { fin: boolean; opcode: number; payload: Buffer } | null {
    const buffer = this.#buffer;
    if (buffer.length < 2) return null;
    const first = buffer[0] as number;
    const second = buffer[1] as number;
    let length = second & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (buffer.length < 4) return null;
      length = buffer.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (buffer.length < 10) return null;
      length = Number(buffer.readBigUInt64BE(2));
      offset = 10;
    }
    const masked = (second & 0x80) !== 0;
    const maskLength = masked ? 4 : 0;
    if (buffer.length < offset + maskLength + length) return null;
    const mask = buffer.subarray(offset, offset + maskLength);
    const payload = Buffer.from(buffer.subarray(offset + maskLength, offset + maskLength + length));
    if (masked)
      for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (mask[i % 4] as number);
    this.#buffer = buffer.subarray(offset + maskLength + length);
    return { fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload };
  }

  #onFrame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OP_TEXT:
      case OP_BINARY:
      case OP_CONTINUATION:
        this.#fragments.push(payload);
        if (fin) {
          const whole = Buffer.concat(this.#fragments);
          this.#fragments = [];
          this.emit('message', whole.toString('utf8'));
        }
        return;
      case OP_PING:
        this.#write(OP_PONG, payload);
        return;
      case OP_PONG:
        return;
      case OP_CLOSE: {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        if (!this.#closeSent) this.#sendClose(code === 1005 ? 1000 : code);
        this.#socket.end();
        this.#finish(code);
        return;
      }
      default:
        this.#socket.destroy();
    }
  }

  #finish(code: number): void {
    if (this.#closed) return;
    this.#closed = true;
    this.emit('close', code);
  }
}

/** Completes the opening handshake of an upgrade request; null (and a 400) when it is not a WebSocket one. */
export function acceptWebSocket(request: IncomingMessage, socket: Duplex): WebSocketConnection | null {
  const key = request.headers['sec-websocket-key'];
  if (typeof key !== 'string' || request.headers.upgrade?.toLowerCase() !== 'websocket') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return null;
  }
  const accept = createHash('sha1').update(`${key}${GUID}`).digest('base64');
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  return new WebSocketConnection(socket);
}

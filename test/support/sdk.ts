/**
 * The published WuKongIM SDK (wukongimjssdk 1.0.4) as a test client, unmodified. Its `lib/` is ESM
 * with extensionless imports, so it is bundled once with esbuild; each client imports the bundle
 * under its own query string, because `WKSDK.shared()` is a singleton. Node 20 has no WebSocket
 * global: the `ws` one is set before any client connects (unless MSW's interceptor is to see it,
 * when the caller sets it before `listen()`).
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { WebSocket } from 'ws';

/** A status the SDK reports: 0 Disconnect, 1 Connected, 2 Connecting, 3 ConnectFail, 4 ConnectKick, with the reason code. */
export type SdkStatus = [status: number, reasonCode: number];

export const Status = { disconnect: 0, connected: 1, connecting: 2, connectFail: 3, connectKick: 4 } as const;

/** What a received message carries, as the SDK hands it to its message listener. */
export interface SdkMessage {
  fromUID: string;
  channel: { channelID: string; channelType: number };
  content: { text?: string };
  messageID: string;
  messageSeq: number;
}

/** A SENDACK as the SDK hands it to its message status listener. */
export interface SdkSendack {
  clientSeq: number;
  messageSeq: number;
  reasonCode: number;
  messageID: { toString(): string };
}

let bundled: Promise<string> | undefined;

/** Bundles the SDK once per process, and returns the bundle's file URL. */
function bundle(): Promise<string> {
  bundled ??= (async () => {
    const dir = join(tmpdir(), `token-mock-sdk-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, 'wukongimjssdk.mjs');
    const entry = createRequire(import.meta.url).resolve('wukongimjssdk');
    await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', outfile, logLevel: 'error' });
    return pathToFileURL(outfile).href;
  })();
  return bundled;
}

/** Sets the `ws` WebSocket as the global one, where Node has none. */
export function provideWebSocket(): void {
  const global = globalThis as { WebSocket?: unknown };
  global.WebSocket ??= WebSocket;
}

let clients = 0;

// biome-ignore lint/suspicious/noExplicitAny: the SDK ships no types the bundle keeps
type Sdk = any;

/** One SDK instance and everything its callbacks reported. */
export class SdkClient {
  readonly statuses: SdkStatus[] = [];
  readonly acks: SdkSendack[] = [];
  readonly received: SdkMessage[] = [];

  private constructor(private readonly sdk: Sdk) {
    sdk.connectManager.addConnectStatusListener((status: number, reasonCode: number) => this.statuses.push([status, reasonCode]));
    sdk.chatManager.addMessageStatusListener((ack: SdkSendack) => this.acks.push(ack));
    sdk.chatManager.addMessageListener((message: SdkMessage & { send?: boolean }) => {
      // The SDK also tells its own sends to this listener; only messages from the server count here.
      if (!message.send) this.received.push(message);
    });
  }

  /** A fresh SDK instance of its own. */
  static async create(): Promise<SdkClient> {
    const url = await bundle();
    const module = (await import(`${url}?client=${++clients}`)) as { default: { shared(): Sdk } };
    return new SdkClient(module.default.shared());
  }

  /** Connects to `addr` as `uid` with `token`, from device flag `deviceFlag` (the SDK's default is 1, web). */
  connect(addr: string, uid: string, token: string, deviceFlag = 1): void {
    const config = this.sdk.config;
    config.addr = addr;
    config.uid = uid;
    config.token = token;
    config.deviceFlag = deviceFlag;
    this.sdk.connect();
  }

  /** Sends a text message to a person. */
  send(toUid: string, text: string): void {
    this.sdk.chatManager.send(this.sdk.newMessageText(text), this.sdk.newChannel(toUid, 1));
  }

  /** Stops for good: no more reconnects. */
  disconnect(): void {
    this.sdk.disconnect();
  }

  /** The AES key the SDK derived, to compare with the server's. */
  get aesKey(): string {
    return this.sdk.securityManager?.aesKey ?? '';
  }

  /** Waits until `check` holds, polling; fails after `timeoutMs` with what was seen. */
  async until(check: (client: SdkClient) => boolean, what: string, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check(this)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; statuses ${JSON.stringify(this.statuses)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Whether the SDK reported this status and reason. */
  saw(status: number, reasonCode: number): boolean {
    return this.statuses.some(([s, r]) => s === status && r === reasonCode);
  }
}

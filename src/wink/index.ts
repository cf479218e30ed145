/**
 * `token-mock/wink`: a stand-in for Smile's Wink Widget with the same surface,
 * `new SmileLinkModal({ userToken, ...callbacks }).open()`, so front-end teams can test their token
 * flows: a token that expires while the widget is open, a refresh, a reopen. It uses the token
 * through the mock, watches the mock's clock, and has hooks that fire the widget's other callbacks.
 */
import { isMockError } from '../core/errors.js';
import type { Mock } from '../mock.js';

/** What the account callbacks receive. */
export interface AccountEvent {
  accountId: string;
  userId: string;
  providerId: string;
}

export type CloseReason = 'close' | 'exit' | 'error';

export interface SmileLinkModalOptions {
  /** The link token's `accessToken`. */
  userToken: string;
  templateId?: string;
  /** The origin whose `/__mock` control API the widget talks to. Default `https://sandbox.smileapi.io`. */
  apiHost?: string;
  /** An in-process mock: the widget then uses it directly instead of the control API. */
  mock?: Mock;
  /** Where the widget draws itself, in a browser. Default `document.body`; nothing is drawn without a DOM. */
  container?: HTMLElement;
  /** How often the widget reads the mock's clock over HTTP, in real ms. Default 250. */
  clockPollMs?: number;
  onTokenExpired?(): void;
  onClose?(event: { reason: CloseReason }): void;
  onAccountCreated?(event: AccountEvent): void;
  onAccountConnected?(event: AccountEvent): void;
  onAccountRemoved?(event: AccountEvent): void;
  onAccountError?(event: AccountEvent & { errorCode: string }): void;
  onUploadsCreated?(event: { userId: string; uploadIds: string[] }): void;
  onUploadsRemoved?(event: { userId: string; uploadIds: string[] }): void;
  onUIEvent?(event: { type: string; [key: string]: unknown }): void;
}

/** Where the widget stands. */
export type ModalState = 'idle' | 'open' | 'expired' | 'closed';

/** The claims of a link token the widget reads: whose it is and when it expires. */
function claimsOf(token: string): { sub?: string; exp?: number } {
  try {
    const payload = (token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)) as { sub?: string; exp?: number };
  } catch {
    return {};
  }
}

export class SmileLinkModal {
  private current: ModalState = 'idle';
  private stopWatching: (() => void) | undefined;
  private element: HTMLElement | undefined;
  private readonly userId: string;
  private readonly expiresAt: number | undefined;
  private accounts = 0;

  constructor(private readonly options: SmileLinkModalOptions) {
    const claims = claimsOf(options.userToken);
    this.userId = claims.sub ?? 'unknown-user';
    this.expiresAt = claims.exp === undefined ? undefined : claims.exp * 1000;
  }

  get state(): ModalState {
    return this.current;
  }

  /**
   * Opens the widget: it uses the token once, as the real one does. A used, expired or invalid token
   * fires `onTokenExpired()`; a failure to reach the mock closes it with reason `error`.
   */
  async open(): Promise<void> {
    if (this.current === 'open') return;
    let accepted: boolean;
    try {
      accepted = await this.consume();
    } catch {
      this.finish('closed');
      this.options.onClose?.({ reason: 'error' });
      return;
    }
    if (!accepted) {
      this.expire();
      return;
    }
    this.current = 'open';
    this.render();
    this.watchExpiry();
  }

  /** The user closes the widget. */
  close(reason: CloseReason = 'close'): void {
    if (this.current !== 'open') return;
    this.finish('closed');
    this.options.onClose?.({ reason });
  }

  /** Test hooks: fire the callbacks the real widget fires as the user goes through it. */
  readonly simulate = {
    /** The user connects an account: onAccountConnected, and the mock emits ACCOUNT_CONNECTED. */
    accountConnected: (event: Partial<AccountEvent> = {}) => {
      const account = this.account(event);
      this.options.onAccountConnected?.(account);
      void this.emit('ACCOUNT_CONNECTED', account).catch(() => undefined);
      return account;
    },
    accountCreated: (event: Partial<AccountEvent> = {}) => {
      const account = this.account(event);
      this.options.onAccountCreated?.(account);
      void this.emit('ACCOUNT_CREATED', account).catch(() => undefined);
      return account;
    },
    accountRemoved: (event: Partial<AccountEvent> = {}) => {
      const account = this.account(event);
      this.options.onAccountRemoved?.(account);
      void this.emit('ACCOUNT_DISCONNECTED', account).catch(() => undefined);
      return account;
    },
    /** Connecting an account fails: onAccountError, and the mock emits ACCOUNT_FAILED with the error code. */
    accountError: (event: Partial<AccountEvent> & { errorCode?: string } = {}) => {
      const account = { ...this.account(event), errorCode: event.errorCode ?? 'INVALID_CREDENTIALS' };
      this.options.onAccountError?.(account);
      void this.emit('ACCOUNT_FAILED', account, { errorCode: account.errorCode }).catch(() => undefined);
      return account;
    },
    uploadsCreated: (uploadIds: string[] = ['upload-1']) => this.options.onUploadsCreated?.({ userId: this.userId, uploadIds }),
    uploadsRemoved: (uploadIds: string[] = ['upload-1']) => this.options.onUploadsRemoved?.({ userId: this.userId, uploadIds }),
    uiEvent: (event: { type: string; [key: string]: unknown }) => this.options.onUIEvent?.(event),
    /** The user leaves through the widget's exit. */
    exit: () => this.close('exit'),
    /** The widget fails. */
    error: () => this.close('error'),
  };

  private account(event: Partial<AccountEvent>): AccountEvent {
    this.accounts += 1;
    return { accountId: event.accountId ?? `a-stand-in-${this.accounts}`, userId: event.userId ?? this.userId, providerId: event.providerId ?? 'sss_ph' };
  }

  private get host(): string {
    return (this.options.apiHost ?? 'https://sandbox.smileapi.io').replace(/\/+$/, '');
  }

  private async consume(): Promise<boolean> {
    if (this.options.mock) {
      try {
        await this.options.mock.smile.consume(this.options.userToken);
        return true;
      } catch (error) {
        // A refused token is an answer; anything else is a failure to reach the mock.
        if (isMockError(error) && error.kind === 'token-refused') return false;
        throw error;
      }
    }
    const response = await fetch(`${this.host}/__mock/smile/tokens/consume`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessToken: this.options.userToken }),
    });
    if (response.status >= 500) throw new Error(`the mock answered ${response.status}`);
    return response.ok;
  }

  private async emit(type: string, account: AccountEvent, extra: Record<string, string> = {}): Promise<void> {
    const data = { accountId: account.accountId, providers: [account.providerId], ...extra };
    if (this.options.mock) {
      this.options.mock.webhooks.emit({ api: 'smile', type, userId: account.userId, data });
      return;
    }
    await fetch(`${this.host}/__mock/webhooks/emit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api: 'smile', type, userId: account.userId, data }),
    });
  }

  /** Fires onTokenExpired when the mock's clock passes the token's expiry while the widget is open. */
  private watchExpiry(): void {
    const expiresAt = this.expiresAt;
    if (expiresAt === undefined) return;
    const { mock } = this.options;
    if (mock) {
      // An alarm on the mock's clock: advancing the clock past the expiry fires it at once.
      this.stopWatching = mock.clock.schedule(expiresAt, () => this.expire());
      return;
    }
    const timer = setInterval(async () => {
      try {
        const clock = (await (await fetch(`${this.host}/__mock/clock`)).json()) as { now: string };
        if (Date.parse(clock.now) >= expiresAt) this.expire();
      } catch {
        // The next tick tries again.
      }
    }, this.options.clockPollMs ?? 250);
    this.stopWatching = () => clearInterval(timer);
  }

  private expire(): void {
    if (this.current === 'expired' || this.current === 'closed') return;
    this.finish('expired');
    this.options.onTokenExpired?.();
  }

  private finish(state: ModalState): void {
    this.current = state;
    this.stopWatching?.();
    this.stopWatching = undefined;
    this.element?.remove();
    this.element = undefined;
  }

  /** A plain dialog, so that a page under test shows the widget and a test can click through it. */
  private render(): void {
    const container = this.options.container ?? (typeof document === 'undefined' ? undefined : document.body);
    if (!container) return;
    const dialog = document.createElement('div');
    dialog.className = 'token-mock-wink';
    dialog.setAttribute('role', 'dialog');
    dialog.setAttribute('aria-label', 'Wink Widget (token-mock stand-in)');
    const title = document.createElement('p');
    title.textContent = `Wink Widget stand-in for ${this.userId}`;
    dialog.append(title);
    const button = (label: string, action: () => void) => {
      const element = document.createElement('button');
      element.type = 'button';
      element.textContent = label;
      element.addEventListener('click', action);
      dialog.append(element);
    };
    button('Connect an account', () => this.simulate.accountConnected());
    button('Exit', () => this.close('exit'));
    button('Close', () => this.close('close'));
    container.append(dialog);
    this.element = dialog;
  }
}

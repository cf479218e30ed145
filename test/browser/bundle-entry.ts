// Everything a page imports from token-mock; test/bundle.test.ts builds it as an app would.
export { createMock } from 'token-mock';
export { createHandlers } from 'token-mock/msw';
export { SmileLinkModal } from 'token-mock/wink';

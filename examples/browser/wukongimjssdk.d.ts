/** Each `virtual:wukongimjssdk/<name>` is a copy of the SDK of its own (see vite.config.ts). */
declare module 'virtual:wukongimjssdk/*' {
  const sdk: typeof import('wukongimjssdk').default;
  export default sdk;
}

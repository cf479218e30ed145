/** Style sheets imported as text (Vite's `?inline`), injected where the dashboard mounts. */
declare module '*.css?inline' {
  const text: string;
  export default text;
}

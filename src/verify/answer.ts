/** Reading an HTTP answer whole: verify's requests and the test helpers share this one definition. */

/** A response read to its end. */
export interface ReadAnswer {
  status: number;
  headers: Headers;
  /** The body as text; empty when there is none. */
  text: string;
  /** The parsed body, or undefined when it is empty or not JSON. */
  json: unknown;
}

/**
 * The body parsed as JSON, or undefined when it is empty or not JSON.
 * @example parseBody('{"ok":true}') // { ok: true }; parseBody('') and parseBody('<html>') are undefined
 */
export function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Reads a response into its status, headers, text and parsed JSON.
 * @example const { status, json } = await readAnswer(await fetch(url));
 */
export async function readAnswer(response: Response): Promise<ReadAnswer> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: parseBody(text) };
}

/**
 * Which webhook receiver URLs the mock will POST to. A mock runs next to a developer's other services
 * and cloud credentials, so by default it sends nothing to link-local or cloud-metadata addresses,
 * and plain http only to loopback; `allowPrivateHttp` opens plain http to private ranges and named
 * hosts, as docker-compose services (`http://app:3000/hooks`) need. Host names are judged as
 * written: what a name resolves to is not looked up.
 */

/** What a receiver may be. */
export interface ReceiverPolicy {
  /** Only https, as the real Smile API takes. Default false. */
  httpsOnly?: boolean;
  /** Also plain http to private addresses (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) and named hosts. Default false. */
  allowPrivateHttp?: boolean;
}

type HostKind = 'loopback' | 'link-local' | 'metadata' | 'private' | 'public' | 'name' | 'unspecified';

/** Names the clouds serve instance metadata under. */
const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

/**
 * Why the mock will not deliver to `url`, or undefined when it will.
 * @example receiverProblem('http://169.254.169.254/latest/meta-data', {}) // 'url points at a link-local address …'
 */
export function receiverProblem(url: string, policy: ReceiverPolicy = {}): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `url "${url}" is not a valid URL`;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'url must begin with https://';
  const kind = hostKind(parsed.hostname);
  if (kind === 'link-local' || kind === 'metadata' || kind === 'unspecified')
    return `url points at a ${kind === 'metadata' ? 'cloud metadata' : kind} address, which the mock never calls`;
  if (parsed.protocol === 'https:') return undefined;
  if (policy.httpsOnly) return 'url must begin with https://';
  if (kind === 'loopback') return undefined;
  if ((kind === 'private' || kind === 'name') && policy.allowPrivateHttp) return undefined;
  return policy.allowPrivateHttp
    ? 'url must begin with https:// (plain http goes only to loopback, private addresses and named hosts)'
    : 'url must begin with https:// (or http:// on a loopback host; allow private and named hosts with --webhook-allow-private-http)';
}

function hostKind(hostname: string): HostKind {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host.startsWith('[')) return ipv6Kind(host.slice(1, -1));
  const octets = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (octets) return ipv4Kind(octets.slice(1).map(Number) as [number, number, number, number]);
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  if (METADATA_NAMES.has(host)) return 'metadata';
  return 'name';
}

function ipv4Kind([a, b, c, d]: [number, number, number, number]): HostKind {
  if (a === 127) return 'loopback';
  if (a === 0) return 'unspecified';
  if (a === 169 && b === 254) return 'link-local';
  // Alibaba Cloud's metadata service sits outside the link-local range.
  if (a === 100 && b === 100 && c === 100 && d === 200) return 'metadata';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return 'private';
  return 'public';
}

function ipv6Kind(address: string): HostKind {
  const words = expandIpv6(address);
  if (!words) return 'public';
  if (words.every((word, i) => word === (i === 7 ? 1 : 0))) return 'loopback';
  if (words.every((word) => word === 0)) return 'unspecified';
  // IPv4-mapped (::ffff:a.b.c.d): judged as the IPv4 address it carries.
  if (words.slice(0, 5).every((word) => word === 0) && words[5] === 0xffff) {
    const [high, low] = [words[6] as number, words[7] as number];
    return ipv4Kind([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  }
  const first = words[0] as number;
  if ((first & 0xffc0) === 0xfe80) return 'link-local';
  // AWS's instance metadata over IPv6 is fd00:ec2::254, inside the unique-local range.
  if (first === 0xfd00 && words[1] === 0x0ec2 && words[7] === 0x254) return 'metadata';
  if ((first & 0xfe00) === 0xfc00) return 'private';
  return 'public';
}

/** The eight 16-bit words of an IPv6 address as the URL parser writes it (hex, `::` allowed). */
function expandIpv6(address: string): number[] | undefined {
  const [head = '', tail] = address.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((word) => Number.parseInt(word, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  const words = [...left, ...new Array(missing).fill(0), ...right];
  return words.some((word) => Number.isNaN(word)) ? undefined : words;
}

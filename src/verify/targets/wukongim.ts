/**
 * Verify's knowledge of WuKongIM: the optional manager token, the profile's tolerances, the server's
 * own error texts (under `server-v2`, where they are known), the device flow.
 */
import { Messages } from '../../apis/wukongim/errors.js';
import { serverTolerates } from '../../apis/wukongim/tolerance.js';
import type { Contract } from '../contract.js';
import type { Expected, FlowSteps, VerifyTarget } from '../target.js';

/** The v2 server's text for an empty (or missing) field of `POST /user/token`; a missing field decodes as empty. */
const EMPTY_TEXT: Record<string, string> = { '/uid': Messages.uidEmpty, '/token': Messages.tokenEmpty };
const msg = (value: string): Expected => ({ pointer: '/msg', value });

/** The v2 server's system uid, unless configured otherwise: no token may be set for it. */
const SYSTEM_UID = '____system';

/**
 * The WuKongIM target. Under `server-v2` a provider may accept what the v2 server accepts (a missing
 * device_flag, say); under `docs` it must refuse whatever breaks the documented contract.
 */
export function wukongimTarget({ document, operations }: Contract, options: { profile: string; managerToken?: string; tag: string }): VerifyTarget {
  const { tag } = options;
  const headers: Record<string, string> = options.managerToken === undefined ? {} : { token: options.managerToken };
  const json = { ...headers, 'content-type': 'application/json' };
  const uid = `verify-${tag}`;
  return {
    api: 'wukongim',
    operations,
    document,
    profile: options.profile,
    headers,
    badCredentials:
      options.managerToken === undefined
        ? []
        : [
            { label: 'without the manager token', headers: {} },
            { label: 'with a wrong manager token', headers: { token: `${options.managerToken}-wrong` } },
          ],
    prepare: async () => ({}),
    pathValue: () => '',
    query: () => ({}),
    body: (_operationId, sampled) => sampled,
    tolerates: (operationId, keyword, pointer) => options.profile === 'server-v2' && serverTolerates(operationId, keyword, pointer),
    // The documented contract names no error texts; the v2 server's handler has its own.
    refusal(operationId, keyword, pointer) {
      if (options.profile !== 'server-v2' || operationId !== 'updateToken') return undefined;
      const text = keyword === 'required' || keyword === 'minLength' ? EMPTY_TEXT[pointer] : undefined;
      return text === undefined ? undefined : msg(text);
    },
    negatives:
      options.profile === 'server-v2'
        ? [
            ...['@', '#', '&'].map((character) => ({
              operationId: 'updateToken',
              label: `body/uid has the character ${character}`,
              body: { uid: `${uid}${character}x`, token: `${tag}-token`, device_flag: 1 },
              refusal: msg(Messages.uidSpecialCharacters),
            })),
            {
              operationId: 'updateToken',
              label: `body/uid is the system uid ${SYSTEM_UID}`,
              body: { uid: SYSTEM_UID, token: `${tag}-token`, device_flag: 1 },
              refusal: msg(Messages.systemUid),
            },
          ]
        : [],
    flows: [
      {
        name: 'update a token as master, then as slave, quit a device, read online status',
        async run(steps: FlowSteps) {
          const post = (operationId: string, path: string, body: unknown) =>
            steps.call(operationId, { path, headers: json, body: JSON.stringify(body) }, [200]);
          await post('updateToken', '/user/token', { uid, token: `${tag}-master`, device_flag: 1, device_level: 1 });
          await post('updateToken', '/user/token', { uid, token: `${tag}-slave`, device_flag: 0, device_level: 0 });
          await post('deviceQuit', '/user/device_quit', { uid, device_flag: 1 });
          const listed = await post('onlineStatus', '/user/onlinestatus', [uid]);
          // No IM client of this uid is connected, so none of its devices may be online. (The v2 server
          // leaves offline uids out; its openapi.json allows them in with online 0.)
          if (Array.isArray(listed)) {
            const online = (listed as { uid: string; online: number }[]).filter((entry) => entry.uid === uid && entry.online === 1);
            steps.expect(online.length === 0, `POST /user/onlinestatus shows ${JSON.stringify(online)} online for a uid with no connection`);
          }
        },
      },
      {
        name: 'route a user to the IM address, one and in a batch',
        async run(steps: FlowSteps) {
          const one = (await steps.call('route', { path: `/route?uid=${uid}`, headers }, [200])) as { ws_addr?: string } | undefined;
          steps.expect(/^wss?:\/\/\S+$/.test(one?.ws_addr ?? ''), `GET /route answers ws_addr ${JSON.stringify(one?.ws_addr)}, not a WebSocket address`);
          const batch = (await steps.call('routeBatch', { path: '/route/batch', headers: json, body: JSON.stringify([uid, `${uid}-2`]) }, [200])) as
            | { uids?: string[]; ws_addr?: string }[]
            | undefined;
          const entry = Array.isArray(batch) ? batch[0] : undefined;
          steps.expect(JSON.stringify(entry?.uids) === JSON.stringify([uid, `${uid}-2`]), `POST /route/batch answers uids ${JSON.stringify(entry?.uids)}`);
          steps.expect(
            entry?.ws_addr === one?.ws_addr,
            `POST /route/batch answers ws_addr ${JSON.stringify(entry?.ws_addr)}, GET /route ${JSON.stringify(one?.ws_addr)}`,
          );
        },
      },
    ],
  };
}

/**
 * Pact V4 files of what an app did with one API, from a recording (the journal as HAR, or a HAR file):
 * each exchange the spec recognises becomes an interaction, and exchanges with the same operation,
 * status, states and shape fold into the first. The same session gives the same bytes.
 */
import type { Dispatcher } from '../core/dispatch.js';
import { MockError } from '../core/errors.js';
import type { JournalEntry } from '../core/journal-entry.js';
import { operationShapes as smileShapes } from '../generated/smile.schemas.js';
import { operationShapes as wukongimShapes } from '../generated/wukongim.schemas.js';
import { type RecordedExchange, readHar } from '../har/read.js';
import { harDocument, harEntry } from '../har/write.js';
import { interactionOf, type PactInteraction } from './interaction.js';
import { PROVIDER_STATES } from './states.js';

/** The APIs a pact can be written for. */
export const PACT_PROVIDERS = ['smile', 'wukongim'] as const;
export type PactProvider = (typeof PACT_PROVIDERS)[number];

/** A Pact V4 document. */
export interface PactFile {
  consumer: { name: string };
  provider: { name: string };
  interactions: PactInteraction[];
  metadata: { pactSpecification: { version: '4.0' }; tokenMock: { version: string; profile?: string; left: number } };
}

/** Which pact: the API it is of, and the app that made the requests. */
export interface PactRequestOptions {
  provider?: string;
  consumer?: string;
}

/** What writing needs besides the exchanges. */
export interface PactSources {
  inspect: Dispatcher['inspect'];
  /** The WuKongIM profile whose answers the pact holds the provider to. */
  profile: string;
  version: string;
}

const SHAPES = { smile: smileShapes, wukongim: wukongimShapes };
const LABELS = { smile: 'Smile', wukongim: 'WuKongIM' };
const CREDENTIAL_STATES = new Set<string>([PROVIDER_STATES.smileCredentials, PROVIDER_STATES.wukongimManager]);

/**
 * Checks which pact is asked for: a known provider and a consumer name; else a MockError of kind `invalid-pact`.
 * @example pactRequest({ provider: 'smile', consumer: 'web' }) // { provider: 'smile', consumer: 'web' }
 */
export function pactRequest(options: { provider?: unknown; consumer?: unknown }): { provider: PactProvider; consumer: string } {
  const { provider, consumer } = options;
  if (!PACT_PROVIDERS.includes(provider as PactProvider))
    throw new MockError('invalid-pact', `provider must be one of ${PACT_PROVIDERS.join(', ')}, not ${JSON.stringify(provider) ?? 'missing'}`);
  if (typeof consumer !== 'string' || consumer.trim() === '')
    throw new MockError('invalid-pact', 'consumer must name the app the pact is of, and not be empty');
  return { provider: provider as PactProvider, consumer };
}

/**
 * The pact of the exchanges with `provider`, oldest first; `metadata.tokenMock.left` counts those
 * left out because their bodies were not kept whole.
 * @example writePact(exchanges, { provider: 'smile', consumer: 'web' }, { inspect, profile: 'docs', version: '0.1.0' })
 */
export function writePact(exchanges: readonly RecordedExchange[], options: PactRequestOptions, sources: PactSources): PactFile {
  const { provider, consumer } = pactRequest(options);
  const interactions: PactInteraction[] = [];
  const byKey = new Map<string, PactInteraction>();
  const descriptions = new Set<string>();
  const slots = new Map<string, number>();
  let left = 0;
  for (const exchange of exchanges) {
    if (exchange.api !== undefined && exchange.api !== provider) continue;
    const { api, operation } = sources.inspect(exchange, provider);
    if (api !== provider || !operation) continue;
    // A body the journal cut cannot be matched, and an answer a mock made itself is no provider's to honour.
    if (exchange.unreadable || exchange.mockMade) {
      left += 1;
      continue;
    }
    const spec = SHAPES[provider][operation.id];
    const status = exchange.response?.status ?? 0;
    const interaction = interactionOf(exchange, {
      api: provider,
      operationId: operation.id,
      answer: spec?.answers[String(status)],
      profile: provider === 'wukongim' ? sources.profile : undefined,
      slots,
    });
    const key = foldKey(operation.id, interaction);
    if (byKey.has(key)) continue;
    // The states an answer depended on tell apart interactions of one operation and status; credentials alone do not.
    const given = (interaction.providerStates ?? []).map((state) => state.name).filter((name) => !CREDENTIAL_STATES.has(name));
    const base = `${LABELS[provider]}: ${lowerFirst(spec?.summary ?? operation.id)} → ${status}${given.length > 0 ? `, given ${given.join(' and ')}` : ''}`;
    let description = base;
    for (let n = 2; descriptions.has(description); n += 1) description = `${base} (${n})`;
    descriptions.add(description);
    const written = { description, ...interaction };
    byKey.set(key, written);
    interactions.push(written);
  }
  return {
    consumer: { name: consumer },
    provider: { name: provider },
    interactions,
    metadata: {
      pactSpecification: { version: '4.0' },
      tokenMock: { version: sources.version, ...(provider === 'wukongim' ? { profile: sources.profile } : {}), left },
    },
  };
}

/**
 * The pact of the journal's entries recorded after the first `since`: read as the HAR the journal
 * answers (credentials redacted, cut bodies marked), so a journal and a recording make the same pact.
 * @example journalPact(mock.journal.entries(), 0, { provider: 'smile', consumer: 'web' }, sources)
 */
export function journalPact(entries: readonly JournalEntry[], since: number, options: PactRequestOptions, sources: PactSources): PactFile {
  const request = pactRequest(options);
  // Entries are numbered from 1 since the last clear, so the mark is a count of them.
  const recorded = entries.filter((entry) => entry.id > since).flatMap((entry) => harEntry(entry, { cut: true }) ?? []);
  return writePact(readHar(harDocument(recorded, sources.version), 'the journal'), request, sources);
}

/** Interactions fold when they are the same operation, status and states, with requests and answers of one shape. */
function foldKey(operationId: string, interaction: Omit<PactInteraction, 'description'>): string {
  const { request, response } = interaction;
  return JSON.stringify([
    operationId,
    response.status,
    interaction.providerStates?.map((state) => state.name) ?? [],
    Object.keys(request.headers ?? {}).sort(),
    Object.keys(request.query ?? {}).sort(),
    shapeOf(request.body?.content),
    shapeOf(response.body?.content),
  ]);
}

/** A value's shape: its keys and the types of its leaves, with values left out. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shapeOf(item)]));
  return value === null ? 'null' : typeof value;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/**
 * `token-mock serve --config FILE`: a YAML or JSON file of settings. Its keys are the long flag names
 * (`seed`, `start-time`, `smile-token-ttl`, …) and turn into those flags, so a file is checked exactly
 * as a command line is and flags given on the command line win. It may also hold `faults`, the rules
 * `POST /__mock/faults` takes, which have no flag.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import type { FaultRule } from '../core/faults.js';
import { check, describe, namingAllowed } from '../core/validation.js';
import { operations } from '../generated/admin.operations.js';

/** A config file that cannot be used; the message names the file and the setting. */
export class ConfigError extends Error {}

export interface Config {
  /** The file's settings as flags, by flag name (without `--`), to go before the command line's own. */
  settings: Map<string, string[]>;
  faults: FaultRule[];
}

const validateFault = (operations.addFault.body as NonNullable<typeof operations.addFault.body>).validate;

/** The command's long flag names (without `--`): `switches` take no value, `paths` take files, resolved against the config file's folder. */
export interface ConfigFlags {
  flags: ReadonlySet<string>;
  switches: ReadonlySet<string>;
  paths: ReadonlySet<string>;
}

/**
 * Reads a config file into the flags it stands for.
 * @example const { settings, faults } = await readConfig('token-mock.yaml', { flags: new Set(['seed', 'strict']), switches: new Set(['strict']), paths: new Set() });
 */
export async function readConfig(file: string, { flags, switches, paths }: ConfigFlags): Promise<Config> {
  let read: unknown;
  try {
    read = parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (read === null || typeof read !== 'object' || Array.isArray(read)) throw new ConfigError(`${file} must be a map of settings`);
  const settings = new Map<string, string[]>();
  let faults: FaultRule[] = [];
  for (const [key, value] of Object.entries(read)) {
    if (key === 'faults') {
      faults = checkFaults(file, value);
      continue;
    }
    if (!flags.has(key) || key === 'config')
      throw new ConfigError(`${file}: unknown setting "${key}" (settings are the flags of token-mock serve, and faults)`);
    const args: string[] = [];
    settings.set(key, args);
    for (const item of Array.isArray(value) ? value : [value]) {
      if (switches.has(key)) {
        // A switch is on or off; "true" and "false" as strings are what an environment would give.
        if (item !== true && item !== false && item !== 'true' && item !== 'false') {
          throw new ConfigError(`${file}: "${key}" is a switch: true or false, not ${JSON.stringify(item)}`);
        }
        if (item === true || item === 'true') args.push(`--${key}`);
      } else if (typeof item === 'boolean') {
        throw new ConfigError(`${file}: "${key}" takes a value, not ${item}`);
      } else if (typeof item === 'string' || typeof item === 'number') {
        args.push(`--${key}`, paths.has(key) ? resolve(dirname(file), String(item)) : String(item));
      } else {
        throw new ConfigError(`${file}: "${key}" must be a string, a number or true`);
      }
    }
  }
  return { settings, faults };
}

function checkFaults(file: string, value: unknown): FaultRule[] {
  if (!Array.isArray(value)) throw new ConfigError(`${file}: faults must be a list of fault rules`);
  const ids = new Map<string, number>();
  value.forEach((rule, index) => {
    const problems = check(validateFault, rule, 'body').map((violation) => describe(namingAllowed(violation)).replace(/^body/, `faults/${index}`));
    if (problems.length > 0) throw new ConfigError(`${file}: ${problems.join('; ')}`);
    const { id } = rule as FaultRule;
    const earlier = id === undefined ? undefined : ids.get(id);
    // POST /__mock/faults replaces a rule of the same id; in one file, the second would silently win.
    if (earlier !== undefined)
      throw new ConfigError(`${file}: faults/${index}/id ${JSON.stringify(id)} is also faults/${earlier}'s; give each rule its own id`);
    if (id !== undefined) ids.set(id, index);
  });
  return value as FaultRule[];
}

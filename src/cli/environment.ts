/**
 * Flags from the environment, as a container's settings are given: every long flag of a command is
 * also `TOKEN_MOCK_<FLAG_NAME>` (`--smile-token-ttl` is `TOKEN_MOCK_SMILE_TOKEN_TTL`). One mapping from
 * the commander definition, so a flag added later gets its variable for free. The values become flags,
 * checked by the same parsers as the command line's. Commander's own `Option.env` is not used: it
 * turns a boolean flag on whatever the variable says (`TOKEN_MOCK_STRICT=false` would mean strict).
 */
import { type Command, Help, type Option } from 'commander';

const PREFIX = 'TOKEN_MOCK_';
const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['', '0', 'false', 'no', 'off']);

/** A variable that cannot be used; the message names it. */
export class EnvironmentError extends Error {}

/**
 * The variable of a flag.
 * @example envName(new Option('--smile-token-ttl <duration>')) // 'TOKEN_MOCK_SMILE_TOKEN_TTL'
 */
export function envName(option: Option): string {
  return PREFIX + (option.long ?? '').replace(/^--/, '').replace(/-/g, '_').toUpperCase();
}

/**
 * The flags the environment sets for a command, by long flag name (without `--`), each as the
 * arguments it stands for. A boolean flag takes 1, true, yes or on (0, false, no, off or empty
 * leave it off); a value is checked with the flag's own parser and choices.
 * @example environmentFlags(serve, { TOKEN_MOCK_SEED: '7' }) // Map { 'seed' => ['--seed', '7'] }
 */
export function environmentFlags(command: Command, env: Record<string, string | undefined>): Map<string, string[]> {
  const flags = new Map<string, string[]>();
  for (const option of command.options) {
    if (!option.long) continue;
    const name = envName(option);
    const value = env[name];
    if (value === undefined) continue;
    const key = option.long.slice(2);
    if (!option.required && !option.optional) {
      const word = value.trim().toLowerCase();
      if (TRUE.has(word)) flags.set(key, [option.long]);
      else if (FALSE.has(word)) flags.set(key, []);
      else throw new EnvironmentError(`${name}=${value}: a switch takes 1, true, yes or on (0, false, no or off to leave it off)`);
      continue;
    }
    check(option, name, value);
    flags.set(key, [option.long, value]);
  }
  return flags;
}

/** Runs a value through the flag's choices and parser, so a bad one is named by its variable. */
function check(option: Option, name: string, value: string): void {
  if (option.argChoices && !option.argChoices.includes(value)) {
    throw new EnvironmentError(`${name}=${value}: must be one of ${option.argChoices.join(', ')}`);
  }
  try {
    option.parseArg?.(value, undefined as never);
  } catch (error) {
    throw new EnvironmentError(`${name}=${value}: ${(error as Error).message}`);
  }
}

/**
 * Makes `--help` show each flag's variable after its description.
 * @example listEnvironment(program.commands[0]);
 */
export function listEnvironment(command: Command): void {
  const help = new Help();
  command.configureHelp({
    optionDescription: (option) => (option.long === '--help' ? help.optionDescription(option) : `${help.optionDescription(option)} [env: ${envName(option)}]`),
  });
}

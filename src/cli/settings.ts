/** Where `serve` and `proxy` take settings from besides their command line: the environment, and `serve --config FILE`. */
import type { Command } from 'commander';
import type { FaultRule } from '../core/faults.js';
import { usage } from './arguments.js';
import { EnvironmentError, environmentFlags } from './environment.js';

/**
 * Settings from the environment and from `serve --config FILE`, placed before the command line's own
 * flags, which then win. A flag the environment sets replaces the config file's, so the order is:
 * command line, then environment, then config file.
 */
export async function withSettings(argv: string[], commands: { serve: Command; proxy: Command }): Promise<{ argv: string[]; faults: FaultRule[] }> {
  const { serve: serveCommand, proxy: proxyCommand } = commands;
  let faults: FaultRule[] = [];
  const first = argv[2];
  if (first === 'proxy') {
    try {
      return { argv: [...argv.slice(0, 3), ...[...environmentFlags(proxyCommand, process.env).values()].flat(), ...argv.slice(3)], faults };
    } catch (error) {
      if (!(error instanceof EnvironmentError)) throw error;
      usage(error.message);
    }
  }
  const isServe = first === 'serve' || first === undefined || (first.startsWith('-') && !['-v', '--version', '-h', '--help'].includes(first));
  if (!isServe) return { argv, faults };
  let fromEnvironment: Map<string, string[]>;
  try {
    fromEnvironment = environmentFlags(serveCommand, process.env);
  } catch (error) {
    if (!(error instanceof EnvironmentError)) throw error;
    usage(error.message);
  }
  const at = argv.findIndex((arg) => arg === '--config' || arg.startsWith('--config='));
  const file = at < 0 ? fromEnvironment.get('config')?.[1] : argv[at]?.startsWith('--config=') ? argv[at].slice('--config='.length) : argv[at + 1];
  fromEnvironment.delete('config');
  const settings = new Map<string, string[]>();
  if (file) {
    const name = (option: (typeof serveCommand.options)[number]) => option.long?.slice(2) ?? '';
    const flags = new Set(serveCommand.options.map(name));
    const switches = new Set(serveCommand.options.filter((option) => option.isBoolean()).map(name));
    const { ConfigError, readConfig } = await import('./config.js');
    try {
      const config = await readConfig(file, { flags, switches, paths: new Set(['scenario', 'from-har', 'state-file']) });
      faults = config.faults;
      for (const [key, args] of config.settings) settings.set(key, args);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      usage(error.message);
    }
  }
  for (const [key, args] of fromEnvironment) settings.set(key, args);
  const at2 = first === 'serve' ? 3 : 2;
  return { argv: [...argv.slice(0, 2), 'serve', ...[...settings.values()].flat(), ...argv.slice(at2)], faults };
}

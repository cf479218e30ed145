/**
 * Writes docs/options.md: every `createMock` option and every CLI flag, side by side. The flags come from
 * the commander program in src/cli/main.ts, the options (names, types, doc comments) from `MockOptions`
 * and the types it nests, and the pairing of a flag with an option from the code that wires them
 * (`runServe({...})` in serve-command.ts, `runVerify({...})` in verify-command.ts, `createMock({...})` in serve.ts). Nothing is
 * written by hand, so a new flag or option appears by running this again.
 * `--check` fails when docs/options.md differs from what would be written.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, type Option } from 'commander';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const target = join(root, 'docs', 'options.md');

/** One row of the flag tables: a flag as commander holds it. */
export interface Flag {
  flags: string;
  attribute: string;
  description: string;
  defaultText: string;
  choices: readonly string[] | undefined;
}

/** One `createMock` option, from its type: `smile.tokenTtl`, its declared type and its doc comment. */
export interface OptionDoc {
  path: string;
  type: string;
  doc: string;
}

/**
 * The commander program main.ts builds. main.ts parses `process.argv` as soon as it is imported, so
 * parsing is intercepted for the length of the import: the program is kept, and nothing runs.
 */
export async function loadProgram(): Promise<Command> {
  let captured: Command | undefined;
  const { parse, parseAsync } = Command.prototype;
  Command.prototype.parseAsync = async function (this: Command) {
    captured ??= this;
    return this;
  };
  Command.prototype.parse = function (this: Command) {
    captured ??= this;
    return this;
  };
  try {
    await import('../src/cli/main.js');
  } finally {
    Command.prototype.parse = parse;
    Command.prototype.parseAsync = parseAsync;
  }
  if (!captured) throw new Error('src/cli/main.ts did not parse a program when imported');
  return captured;
}

/** The flags of one subcommand, in the order they are defined. */
export function flagsOf(program: Command, name: string): Flag[] {
  const command = program.commands.find((candidate) => candidate.name() === name);
  if (!command) throw new Error(`the CLI has no ${name} command`);
  return command.options.map((option: Option) => ({
    flags: option.flags,
    attribute: option.attributeName(),
    description: option.description,
    defaultText: option.defaultValueDescription ?? defaultText(option.defaultValue),
    choices: option.argChoices,
  }));
}

/** A default as the help shows it: nothing for none or false, strings bare. */
function defaultText(value: unknown): string {
  if (value === undefined || value === false) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Parses one source file of the repository. */
function sourceFile(path: string, text: string): ts.SourceFile {
  return ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true);
}

/** The object literal passed as the first argument of the first call of `callee` in a file. */
function argumentOf(file: ts.SourceFile, callee: string): ts.ObjectLiteralExpression {
  let found: ts.ObjectLiteralExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && node.expression.getText(file) === callee) {
      const first = node.arguments[0];
      if (first && ts.isObjectLiteralExpression(first)) found = first;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (!found) throw new Error(`${file.fileName} has no call ${callee}({ ... })`);
  return found;
}

/** The object literal inside a property's value (`a && { ... }`, `(…)`), when the value builds one. */
function nestedObject(node: ts.Expression): ts.ObjectLiteralExpression | undefined {
  if (ts.isObjectLiteralExpression(node)) return node;
  if (ts.isParenthesizedExpression(node)) return nestedObject(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return nestedObject(node.right);
  return undefined;
}

/**
 * Which property of an object literal reads which `<from>.<name>`, as `name → path`:
 * `{ smile: { tokenTtl: settings.smileTokenTtl } }` with `from` `settings` gives `smileTokenTtl → smile.tokenTtl`.
 * @example wiring(file, 'createMock', 'settings') // Map { 'seed' => 'seed', 'smileTokenTtl' => 'smile.tokenTtl', … }
 */
export function wiring(file: ts.SourceFile, callee: string, from: string): Map<string, string> {
  const map = new Map<string, string>();
  const walk = (object: ts.ObjectLiteralExpression, prefix: string) => {
    for (const property of object.properties) {
      if (!ts.isPropertyAssignment(property)) continue;
      const path = `${prefix}${property.name.getText(file)}`;
      const nested = nestedObject(property.initializer);
      if (nested) {
        walk(nested, `${path}.`);
        continue;
      }
      const read = (node: ts.Node): void => {
        if (ts.isPropertyAccessExpression(node) && node.expression.getText(file) === from && !map.has(node.name.text)) map.set(node.name.text, path);
        ts.forEachChild(node, read);
      };
      read(property.initializer);
    }
  };
  walk(argumentOf(file, callee), '');
  return map;
}

/** The options of `MockOptions` (src/mock.ts), depth first: an option whose type is another `…Options` interface of the sources is opened. */
export function mockOptions(): OptionDoc[] {
  const program = ts.createProgram([join(root, 'src/mock.ts')], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, strict: true, noEmit: true });
  const checker = program.getTypeChecker();
  const mock = program.getSourceFile(join(root, 'src/mock.ts'));
  if (!mock) throw new Error('src/mock.ts is missing');
  const declaration = mock.statements.find((statement) => ts.isInterfaceDeclaration(statement) && statement.name.text === 'MockOptions');
  if (!declaration || !ts.isInterfaceDeclaration(declaration)) throw new Error('src/mock.ts has no MockOptions interface');
  const rows: OptionDoc[] = [];
  const walk = (type: ts.Type, prefix: string) => {
    for (const symbol of checker.getPropertiesOfType(type)) {
      const node = symbol.valueDeclaration;
      if (!node || !ts.isPropertySignature(node) || !node.type) continue;
      const text = node.type.getText();
      const doc = ts
        .displayPartsToString(symbol.getDocumentationComment(checker))
        .replace(/\s*\n\s*/g, ' ')
        .trim();
      const inner = checker.getTypeAtLocation(node.type);
      const isOptionsInterface =
        /^[A-Z]\w*Options$/.test(text) && inner.getSymbol()?.declarations?.some((d) => d.getSourceFile().fileName.startsWith(join(root, 'src')));
      if (isOptionsInterface) walk(inner, `${prefix}${symbol.name}.`);
      else rows.push({ path: `${prefix}${symbol.name}`, type: text.replace(/\s*\n\s*/g, ' '), doc });
    }
  };
  walk(checker.getTypeAtLocation(declaration), '');
  return rows;
}

/** Text for a Markdown table cell: pipes escaped, on one line. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const code = (text: string) => (text === '' ? '' : `\`${cell(text)}\``);

/** The text of docs/options.md. */
export async function render(): Promise<string> {
  const program = await loadProgram();
  const serveCommand = sourceFile('src/cli/serve-command.ts', await readFile(join(root, 'src/cli/serve-command.ts'), 'utf8'));
  const verifyCommand = sourceFile('src/cli/verify-command.ts', await readFile(join(root, 'src/cli/verify-command.ts'), 'utf8'));
  const serve = sourceFile('src/cli/serve.ts', await readFile(join(root, 'src/cli/serve.ts'), 'utf8'));
  const settingOfFlag = wiring(serveCommand, 'runServe', 'options');
  const optionOfSetting = wiring(serve, 'createMock', 'settings');
  const optionOfFlag = (flag: Flag) => {
    const setting = settingOfFlag.get(flag.attribute);
    return setting === undefined ? undefined : optionOfSetting.get(setting);
  };
  const serveFlags = flagsOf(program, 'serve');
  const options = mockOptions();
  // A flag that sets part of an option the table shows whole (`persist.interval` of `persist`) goes on that option's row.
  const flagsOfOption = (path: string) =>
    serveFlags
      .filter((flag) => {
        const option = optionOfFlag(flag);
        return option === path || option?.startsWith(`${path}.`);
      })
      .map((flag) => code(flag.flags))
      .join(', ');
  const verifyWiring = wiring(verifyCommand, 'runVerify', 'options');
  const lines = [
    '# Options reference',
    '',
    '<!-- Generated by `npm run options-reference` from src/cli/*-command.ts, src/cli/serve.ts and the option types. Do not edit by hand. -->',
    '',
    'Every setting of `createMock(options)` and every flag of `token-mock serve`, `proxy`, `verify` and `pact`.',
    'A flag and an option on one row are the same setting; `serve --config FILE` takes the flags by name',
    '(`seed: 7`, `smile-port: 0`). Durations are milliseconds or text such as `90s`, `15m`, `5h`.',
    '',
    '## `createMock(options)`',
    '',
    '| option | type | `token-mock serve` flag | |',
    '|---|---|---|---|',
    ...options.map((option) => `| ${code(option.path)} | ${code(option.type)} | ${flagsOfOption(option.path)} | ${cell(option.doc)} |`),
    '',
    '## `token-mock serve`',
    '',
    '| flag | default | `createMock` option | |',
    '|---|---|---|---|',
    ...serveFlags.map((flag) => row(flag, optionOfFlag(flag))),
    '',
    '## `token-mock verify`',
    '',
    'The same settings are the options of `verify()` from `token-mock/verify`.',
    '',
    '| flag | default | `verify()` option | |',
    '|---|---|---|---|',
    ...flagsOf(program, 'verify').map((flag) => row(flag, flag.attribute === 'junit' ? undefined : verifyWiring.get(flag.attribute))),
    '',
    '## `token-mock proxy`',
    '',
    'Forwards to the real providers and checks both directions against the specs. The flags it shares with',
    '`serve` (where and how to listen, the log, the journal, the recording) mean the same there.',
    '',
    '| flag | default | |',
    '|---|---|---|',
    ...flagsOf(program, 'proxy').map(plainRow),
    '',
    '## `token-mock pact`',
    '',
    '| flag | default | |',
    '|---|---|---|',
    ...flagsOf(program, 'pact').map(plainRow),
    '',
  ];
  return lines.join('\n');
}

/** One flag's row in a table without options: its flags, its default, and its description with its choices. */
function plainRow(flag: Flag): string {
  const choices = flag.choices ? ` (${flag.choices.map((choice) => `\`${choice}\``).join(', ')})` : '';
  return `| ${code(flag.flags)} | ${code(flag.defaultText)} | ${cell(flag.description)}${cell(choices)} |`;
}

/** One flag's row: its flags, its default, the option it sets, and its description with its choices. */
function row(flag: Flag, option: string | undefined): string {
  const choices = flag.choices ? ` (${flag.choices.map((choice) => `\`${choice}\``).join(', ')})` : '';
  return `| ${code(flag.flags)} | ${code(flag.defaultText)} | ${code(option ?? '')} | ${cell(flag.description)}${cell(choices)} |`;
}

async function main(): Promise<void> {
  const text = await render();
  if (process.argv.includes('--check')) {
    const current = await readFile(target, 'utf8').catch(() => '');
    if (current !== text) {
      console.error('docs/options.md is stale. Run `npm run options-reference` and commit the result.');
      process.exit(1);
    }
    console.log('docs/options.md is up to date.');
    return;
  }
  await writeFile(target, text);
  console.log('Wrote docs/options.md.');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolvePath(process.argv[1])).href) await main();

/**
 * The dashboard's files (`GET /__mock/ui`, `GET /__mock/ui/{file}`): the page, its script and its
 * style sheet, built into `dist/ui/` by `npm run build`, read through `dist/ui/files.js` so that any
 * runtime with dynamic import can serve them.
 */
import { MockError } from '../../core/errors.js';

/** One file of the dashboard. */
export interface DashboardFile {
  /** Its media type, charset included. */
  type: string;
  text: string;
}

/** Where the dashboard's files come from: by name (`index.html`, `dashboard.js`, `dashboard.css`). */
export type DashboardFiles = () => Promise<Record<string, DashboardFile>>;

/**
 * The built files, `dist/ui/files.js`, as each build finds it: from the compiled control API
 * (`dist/apis/admin/`), from the bundled command line (`dist/cli/`), or, when the mock runs from its
 * sources (tests, tsx), in `dist/ui` of the checkout. Imported once, on the first request for the page.
 */
export const builtDashboard: DashboardFiles = async () => {
  let failure: unknown;
  for (const specifier of ['../../ui/files.js', '../ui/files.js', '../../../dist/ui/files.js']) {
    try {
      // A specifier bundlers leave alone: a browser bundle of the mock has no use for the page.
      const module = (await import(/* @vite-ignore */ specifier)) as { default: Record<string, DashboardFile> };
      return module.default;
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
};

/**
 * Answers one of the dashboard's files, or a `not-found` MockError naming what is missing.
 * @example await dashboardFile(builtDashboard, 'index.html')
 */
export async function dashboardFile(
  files: DashboardFiles,
  name: string,
): Promise<{ status: 200; body: string; mediaType: string; headers: Record<string, string> }> {
  let all: Record<string, DashboardFile>;
  try {
    all = await files();
  } catch (error) {
    throw new MockError('not-found', 'the dashboard is not built into dist/ui (npm run build builds it)', { cause: error });
  }
  const file = Object.hasOwn(all, name) ? all[name] : undefined;
  if (!file) throw new MockError('not-found', `the dashboard has no file ${name}`);
  return { status: 200, body: file.text, mediaType: file.type.split(';')[0] as string, headers: { 'content-type': file.type, 'cache-control': 'no-cache' } };
}

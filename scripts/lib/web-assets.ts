import { join } from "node:path";
import { build } from "esbuild";

/** Client entry points: one small module per page family, loaded with `type="module"`. */
export const CLIENT_ENTRIES = ["app"] as const;

/**
 * Bundles src/web/client/<entry>.ts into public/assets/<entry>.js (ES2022 modules, minified, no source maps
 * in the output folder: they would be uploaded as public assets). Returns the written files.
 */
export async function buildWebAssets(root: string): Promise<string[]> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: CLIENT_ENTRIES.map((e) => join(root, "src/web/client", `${e}.ts`)),
    outdir: join(root, "public/assets"),
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
  });
  return Object.keys(result.metafile.outputs).map((f) => join(root, f));
}

// `npm run lint:deps`: checks the dependency rules of .dependency-cruiser.cjs (layering, node:* only where
// Node runs, no cycles) with dependency-cruiser.
//
// Why a wrapper: dependency-cruiser parses TypeScript through the `typescript` package's compiler API, and
// the project's TypeScript (7, the native compiler) has none. So the sources are first stripped of their
// types with esbuild (already installed: tsx and vite run on it) into .tmp/deps/, keeping every import,
// type-only ones included (see keepTypeImports), so a type import across a forbidden boundary still counts.
// Paths in the report are mapped back to the .ts sources. Extra arguments go to depcruise (e.g. `-- --output-type text`).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { transformSync } from "esbuild";

const ROOTS = ["src", "ml", "workers", "scripts", "test"];
const OUT = join(".tmp", "deps");
const root = process.cwd();

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

// Type-only imports and re-exports must survive type stripping, marked as such: they become `require()`
// calls (a dependency type no real import here has), so the rules can tell them apart: layering rules count
// them (a type import is still a dependency on that layer), the cycle and node:* rules do not (they are about
// what runs). The copies are never run, only read.
const typeOnly = (spec) => `require(${spec});`;
const keepTypeImports = (source) =>
  source
    .replace(/\bimport\s+type\s+[^;]*?\bfrom\s*(["'][^"']+["']);?/g, (_, spec) => typeOnly(spec))
    .replace(/\bexport\s+type\s+\{[^}]*\}\s*from\s*(["'][^"']+["']);?/g, (_, spec) => typeOnly(spec))
    .replace(/\bimport\s*\{([^}]*)\}\s*from\s*(["'][^"']+["']);?/g, (whole, names, spec) => {
      const list = names
        .split(",")
        .map((n) => n.trim())
        .filter(Boolean);
      return list.length > 0 && list.every((n) => n.startsWith("type ")) ? typeOnly(spec) : whole;
    });

rmSync(OUT, { recursive: true, force: true });
let files = 0;
for (const top of ROOTS) {
  for (const path of walk(top)) {
    const out = join(OUT, path);
    if (/\.d\.ts$/.test(path)) continue;
    if (/\.(ts|tsx|mts|cts)$/.test(path)) {
      // .tsx (the storefront's pages, src/web) compiles like tsconfig says: automatic runtime from hono/jsx.
      const { code } = transformSync(keepTypeImports(readFileSync(path, "utf8")), {
        loader: path.endsWith(".tsx") ? "tsx" : "ts",
        format: "esm",
        sourcefile: path,
        jsx: "automatic",
        jsxImportSource: "hono/jsx",
        tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
      });
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(
        out.replace(
          /\.(ts|tsx|mts|cts)$/,
          (ext) => ({ ".ts": ".js", ".tsx": ".js", ".mts": ".mjs", ".cts": ".cjs" })[ext],
        ),
        code,
      );
      files++;
    } else if (/\.(js|mjs|cjs|json)$/.test(path)) {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, readFileSync(path));
      files++;
    }
  }
}

const depcruise = join(root, "node_modules", ".bin", "depcruise");
const result = spawnSync(
  depcruise,
  [...ROOTS, "--config", join(root, ".dependency-cruiser.cjs"), "--output-type", "err", ...process.argv.slice(2)],
  { cwd: OUT, encoding: "utf8" },
);
if (result.error) throw result.error;
// Report the sources, not the stripped copies: `src/a.js` -> `src/a.ts` when that is the file.
const toSource = (text) =>
  text.replace(/\b((?:src|ml|workers|scripts|test)\/[\w./-]+?)\.(js|mjs|cjs)\b/g, (whole, stem, ext) => {
    const js = ext === "js" ? "ts" : ext === "mjs" ? "mts" : "cts";
    if (existsSync(join(root, `${stem}.${js}`))) return `${stem}.${js}`;
    return ext === "js" && existsSync(join(root, `${stem}.tsx`)) ? `${stem}.tsx` : whole;
  });
process.stdout.write(toSource(result.stdout));
process.stderr.write(toSource(result.stderr));
console.error(`lint:deps: ${files} files from ${ROOTS.join(", ")} (type-stripped copies in ${relative(root, OUT)})`);
process.exit(result.status ?? 1);

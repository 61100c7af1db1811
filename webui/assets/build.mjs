// Bundles the studio's editors and the case-page viewer from webui/assets/ into webui/static/build/
// (git-ignored), with esbuild: no inline script, no eval, one JS and one CSS file per page.
// The bpmnlint configuration (webui/assets/bpmnlint.json) is compiled here, at build time, into the
// virtual module `tdkt-bpmnlint-config` that the BPMN editor imports.
import { build } from "esbuild";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import compileConfig from "bpmnlint/lib/support/compile-config.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");

const bpmnlintConfig = {
  name: "tdkt-bpmnlint-config",
  setup(builder) {
    builder.onResolve({ filter: /^tdkt-bpmnlint-config$/ }, () => ({ path: "bpmnlint", namespace: "tdkt" }));
    builder.onLoad({ filter: /.*/, namespace: "tdkt" }, async () => {
      const config = JSON.parse(await readFile(resolve(here, "bpmnlint.json"), "utf8"));
      return { contents: await compileConfig(config), loader: "js", resolveDir: root };
    });
  },
};

await build({
  entryPoints: {
    "bpmn-editor": resolve(here, "bpmn-editor.js"),
    "dmn-editor": resolve(here, "dmn-editor.js"),
    "case-diagram": resolve(here, "case-diagram.js"),
  },
  outdir: resolve(root, "webui", "static", "build"),
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "linked",
  jsx: "automatic",
  jsxImportSource: "@bpmn-io/properties-panel/preact",
  loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file", ".svg": "file" },
  assetNames: "assets/[name]-[hash]",
  plugins: [bpmnlintConfig],
  logLevel: "warning",
});

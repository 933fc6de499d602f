// Compiles every .d2 file named on standard input (one path a line) with D2's own compiler (its WASM build, from
// @terrastruct/d2) and prints one JSON line per file: its shapes' ids and its connections, or the compiler's error.
// Usage: node check_d2.mjs NODE_MODULES_DIR < paths
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.argv[2];
const { D2 } = await import(pathToFileURL(join(modules, "@terrastruct/d2/dist/node-esm/index.js")).href);
const d2 = new D2();
const paths = readFileSync(0, "utf8").split("\n").filter(Boolean);
for (const path of paths) {
  const started = Date.now();
  try {
    const result = await d2.compile(readFileSync(path, "utf8"));
    const diagram = result.diagram;
    console.log(JSON.stringify({
      path,
      shapes: diagram.shapes.map((shape) => shape.id),
      labels: diagram.shapes.map((shape) => shape.label),
      connectionLabels: diagram.connections.map((c) => c.label),
      connections: diagram.connections.map((c) => [c.src, c.dst]),
      ms: Date.now() - started,
    }));
  } catch (error) {
    console.log(JSON.stringify({ path, error: String(error).slice(0, 2000), ms: Date.now() - started }));
  }
}
process.exit(0);

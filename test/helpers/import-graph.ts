// The project's import graph from the sources themselves (TypeScript's own pre-parser, type-only
// imports included): the architecture test's eyes (issue 13: 0 import cycles, rules/ imports only
// the model). Relative imports of .ts files only; packages are not followed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const ROOT = resolve(import.meta.dirname, '../..');

/** Every .ts file under the given project folders, as project-relative paths (tests included unless `sources` is set). */
export function tsFiles(dirs: string[], opts: { sources?: boolean } = {}): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === 'node_modules' || name === 'dist') continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !(opts.sources && name.endsWith('.test.ts'))) out.push(relative(ROOT, p));
    }
  };
  for (const d of dirs) walk(join(ROOT, d));
  return out.sort();
}

/** file → the project files it imports (static, dynamic and type-only). */
export function importGraph(files: string[]): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of files) {
    const info = ts.preProcessFile(readFileSync(join(ROOT, f), 'utf8'), true, true);
    const deps = info.importedFiles
      .map((i) => i.fileName)
      .filter((s) => s.startsWith('.') && s.endsWith('.ts'))
      .map((s) => relative(ROOT, resolve(ROOT, dirname(f), s)));
    g.set(f, [...new Set(deps)]);
  }
  return g;
}

/** The strongly connected components with more than one member (Tarjan): each is an import cycle. */
export function cycles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (g.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** The graph folded to folders (gateway/src/ingest, rules/src/kinds, ...): which parts lean on which. */
export function folderGraph(g: Map<string, string[]>): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const [f, deps] of g) {
    const a = dirname(f);
    if (!out.has(a)) out.set(a, new Set());
    for (const d of deps) if (dirname(d) !== a) out.get(a)!.add(dirname(d));
  }
  return new Map([...out].map(([k, v]) => [k, [...v]]));
}

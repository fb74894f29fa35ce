#!/usr/bin/env python3
"""Check that the module dependency graph of a Rust crate has no cycles.

An offline stand-in for `cargo modules dependencies --acyclic` (no rust-analyzer; stdlib only).

Nodes: every `.rs` file under --src is one module: `lib.rs` (or `main.rs` if there is no lib.rs)
is `crate`, `a.rs` and `a/mod.rs` are `crate::a`, `a/b.rs` is `crate::a::b`. Left out: `main.rs`
and `bin/` when there is a lib.rs (separate binary crates), files declared only by
`#[cfg(test)] mod x;`, and every item under `#[cfg(test)]` (test modules, fns, impls, uses):
tests are not the production structure. Inline `mod x { .. }` blocks belong to their file, but
`self`/`super` inside them are relative to the inline module, as in Rust.

Edges ("F uses M"): comments (doc and nested block comments too), string literals (raw, byte, C)
and char literals are stripped first; a lifetime `'a` is not a char literal. Exception: a string
that is exactly a path, inside an attribute, is code, e.g. serde's `deserialize_with = "crate::x::f"`.
Then every `use` tree (grouped, renamed, glob, `pub use` re-exports) is flattened into full paths,
and every other `a::b` path in code (expressions, types, attributes, macro bodies: a plain token
scan) is taken as written. A path is made absolute from its first segment:
  crate:: / $crate::   from the crate root
  self:: / super::     from the module the code is in (super::super:: climbs twice)
  name::               from module M if `name` is a child module declared in the file (`mod name;`)
                       or is bound to M by a `use` in the file (`use crate::http;`, `.. as h`,
                       `{self, ..}`, the child modules of a glob-imported module);
                       any other name is an external crate and is ignored.
The absolute path resolves to its LONGEST prefix that is a module file: `crate::http::AppError` is
`crate::http` (there is no http/AppError.rs); `crate::http::list_memo::ListMemo` is
`crate::http::list_memo`. Re-exports are not followed. `mod x;` is ownership, not a use.
Self-edges are dropped. Cycles are the strongly connected components with more than one module
(iterative Tarjan). Exit status 1 if there is a cycle, else 0.
"""
import argparse
import collections
import functools
import re
import signal
import sys
from pathlib import Path

PATH_HEADS = {"crate", "$crate", "self", "super"}
OPEN, CLOSE = {"(", "[", "{"}, {")", "]", "}"}
PATH_STRING = re.compile(r"\w+(::\w+)+")  # e.g. #[serde(deserialize_with = "crate::http::extract::nullable")]


TOKEN = re.compile(r"""
    (?P<skip> \s+ | //[^\n]*                          # whitespace, line and doc comments
      | [bc]?r(?P<h>\#*)".*?"(?P=h)                   # raw strings r"..", r#".."#, br".."
      | [bc]"(?:\\.|[^"\\])*"                         # byte and C strings
      | b?'(?:\\.[^']*|[^\\'\n])'                      # char literals 'x' '\n' '\u{..}' b'x'
      | '\w+ )                                       # lifetimes and labels ('a, 'static)
    | "(?P<str>(?:\\.|[^"\\])*)"                       # strings (kept only if they spell a path)
    | (?P<tok> r\#\w+ | \$?\w+ | :: | [^\s] )          # raw ident, ident, $crate, ::, punctuation
    """, re.S | re.X)


def tokenize(text):
    """Return [(token, line)] with comments (nested /* */ too), strings and char literals removed."""
    toks, i, line = [], 0, 1
    while i < len(text):
        if text.startswith("/*", i):
            j, depth = i + 2, 1
            while depth and j < len(text):
                depth += text.startswith("/*", j) - text.startswith("*/", j)
                j += 2 if text.startswith(("/*", "*/"), j) else 1
        else:
            m = TOKEN.match(text, i)
            j = m.end()
            if m.group("tok"):
                toks.append((m.group("tok"), line))
            elif m.group("str") and PATH_STRING.fullmatch(m.group("str")):
                toks.append(('"' + m.group("str"), line))
        line += text.count("\n", i, j)
        i = j
    return toks


def word(toks, i):
    return toks[i][0] if i < len(toks) else ""


def is_test_cfg(pred):
    """pred: the tokens inside cfg(...). True for `test` and `all(.., test, ..)`."""
    return pred == ["test"] or (pred[:1] == ["all"] and "test" in pred and not {"not", "any"} & set(pred))


def item_end(toks, i, closers=CLOSE):
    """Index after the bracketed group (or, with closers={"}"}, the item) starting at toks[i].
    An item ends at a `;` at depth 0, or at its closing `}` unless it is a const/static/type/use/let."""
    depth = 0
    for j in range(i, len(toks)):
        t = toks[j][0]
        if depth == 0 and t in ("const", "static", "type", "use", "let") and word(toks, j + 1) != "fn":
            closers = set()
        depth += (t in OPEN) - (t in CLOSE)
        if depth == 0 and (t == ";" or t in closers):
            return j + 1
    return len(toks)


def strip_test_items(toks):
    """Drop #[cfg(test)] items. Returns (kept tokens, names in `#[cfg(test)] mod x;`, whole file is test)."""
    kept, test_mods, i = [], set(), 0
    while i < len(toks):
        inner = word(toks, i + 1) == "!"  # #![...]
        at = i + 1 + inner  # the `[`
        if toks[i][0] == "#" and [word(toks, k) for k in range(at, at + 3)] == ["[", "cfg", "("]:
            if is_test_cfg([t for t, _ in toks[at + 3:item_end(toks, at + 2) - 1]]):
                if inner:
                    return [], test_mods, True
                j = item_end(toks, at)
                while j < len(toks) and toks[j][0] == "#":  # further attributes of the item
                    j = item_end(toks, j + 1)
                end = item_end(toks, j, {"}"})
                words = [t for t, _ in toks[j:end]]
                if "mod" in words and words[-1] == ";":
                    test_mods.add(words[words.index("mod") + 1])
                i = end
                continue
        kept.append(toks[i])
        i += 1
    return kept, test_mods, False


def parse_use_tree(toks, i, prefix, leaves):
    """Parse the use tree at toks[i] (after `use` or inside `{..}`), appending one
    (segments, line, alias, is_glob) per leaf. Returns the index after the tree."""
    segs = list(prefix)
    while i < len(toks):
        t, line = toks[i]
        if t == "{":  # group: each member continues the prefix
            i += 1
            while word(toks, i) not in ("}", ""):
                start = i
                i = parse_use_tree(toks, i, segs, leaves)
                if i == start or word(toks, i) == ",":
                    i += 1
            return i + 1
        if t == "*":
            leaves.append((segs, line, None, True))
            return i + 1
        if t == "::":
            i += 1
            continue
        if not is_ident(t):
            return i
        segs.append(t)
        i += 1
        if word(toks, i) == "as":
            alias = word(toks, i + 1)
            leaves.append((segs, line, alias if alias not in ("_", "") else None, False))
            return i + 2
        if word(toks, i) != "::":
            leaves.append((segs, line, None, False))
            return i
    return i


def is_ident(t):
    return t[:1].isalpha() or t[:1] in ("_", "$")


def scan_file(toks, file_mod):
    """Collect child module declarations, use leaves and inline paths of one file."""
    children, uses, paths, frames, i, attr_end = {}, [], [], [], 0, 0
    while i < len(toks):
        t, line = toks[i]
        scope = file_mod + tuple(f for f in frames if f)
        if t == "#" and i >= attr_end:  # remember where an attribute #[..] / #![..] ends
            k = i + 1 + (word(toks, i + 1) == "!")
            attr_end = item_end(toks, k) if word(toks, k) == "[" else attr_end
        if t[0] == '"':  # a path spelled in a string counts only inside an attribute
            paths += [(t[1:].split("::"), line, scope)] if i < attr_end else []
        if t == "mod" and word(toks, i + 2) in (";", "{"):
            name = toks[i + 1][0]
            if toks[i + 2][0] == ";":
                children[name] = scope + (name,)
            else:
                frames.append(name)
            i += 3
            continue
        if t == "{":
            frames.append(None)
        elif t == "}" and frames:
            frames.pop()
        elif t == "use" and word(toks, i + 1) not in ("<", ""):  # not `impl Trait + use<'a>`
            leaves = []
            i = parse_use_tree(toks, i + 1, [], leaves)
            uses += [(segs, ln, alias, glob, scope) for segs, ln, alias, glob in leaves]
            continue
        elif is_ident(t) and word(toks, i + 1) == "::" and (i == 0 or toks[i - 1][0] != "::"):
            j = i  # the longest run  name :: name :: name
            while word(toks, j + 1) == "::" and is_ident(word(toks, j + 2)):
                j += 2
            if j > i:
                paths.append(([s for s, _ in toks[i:j + 1:2]], line, scope))
                i = j + 1
                continue
        i += 1
    return children, uses, paths


def absolute(segs, scope, bindings):
    """Absolute module path of `segs` written in module `scope`, or None if external."""
    head = segs[0]
    if head in ("crate", "$crate"):
        return tuple(segs[1:])
    if head in ("self", "super"):
        base, rest = scope, segs[1:] if head == "self" else segs
        while rest and rest[0] == "super":
            base, rest = base[:-1], rest[1:]
        return base + tuple(rest)
    if head in bindings:
        return bindings[head] + tuple(segs[1:])
    return None


def longest_module(path, modules):
    """The longest prefix of an absolute path that is a module file (at worst the crate root)."""
    for k in range(len(path), -1, -1):
        if path[:k] in modules:
            return path[:k]
    return ()


def file_module(rel):
    """Module path of a file, relative to src: a/b.rs and a/b/mod.rs -> ("a", "b")."""
    parts = list(rel.with_suffix("").parts)
    if parts[-1] == "mod" or (len(parts) == 1 and parts[0] in ("lib", "main")):
        parts = parts[:-1]
    return tuple(parts)


def load_crate(src):
    """Return {module: (file, tokens without test items)} for every production file under src."""
    files = sorted(src.rglob("*.rs"))
    has_lib = (src / "lib.rs").exists()
    crate = {}
    for f in files:
        rel = f.relative_to(src)
        if has_lib and (rel.parts[0] == "bin" or rel == Path("main.rs")):
            continue  # separate binary crate(s)
        toks, test_mods, is_test = strip_test_items(tokenize(f.read_text(encoding="utf-8")))
        crate[file_module(rel)] = (f, toks, test_mods, is_test)
    test_only = {m + (n,) for m, (_, _, tm, _) in crate.items() for n in tm}
    test_only |= {m for m, (_, _, _, is_test) in crate.items() if is_test}
    return {m: v[:2] for m, v in crate.items() if not any(m[:k] in test_only for k in range(len(m) + 1))}


def bind_names(children, uses, modules):
    """Names that stand for a module in this file: child modules, then `use`d modules."""
    bindings = dict(children)
    for _ in range(3):  # a `use` may start from a name bound by another `use`
        for segs, _, alias, glob, scope in sorted(uses, key=lambda u: u[3]):  # globs last
            own = segs[:-1] if segs[-1:] == ["self"] else segs
            target = absolute(own, scope, bindings) if own else None
            if target in modules and glob:  # `use m::*` brings m's child modules into scope
                for m in modules:
                    if m and m[:-1] == target:
                        bindings.setdefault(m[-1], m)
            elif target in modules and (alias or own[-1] not in PATH_HEADS):
                bindings.setdefault(alias or own[-1], target)
    return bindings


def resolve_file(mod, toks, modules):
    """Return (declared child modules, [(target module, line)] for every reference in one file)."""
    children, uses, paths = scan_file(toks, mod)
    bindings = bind_names(children, uses, modules)
    refs = []
    for segs, line, scope in [(u[0], u[1], u[4]) for u in uses] + paths:
        target = absolute(segs, scope, bindings) if segs else None
        if target is not None:
            refs.append((longest_module(target, modules), line))
    return children, refs


def build_graph(src):
    """Return (modules, {(from, to): [(file, line)]}, modules no `mod` declares)."""
    crate = load_crate(src)
    edges, declared = collections.defaultdict(list), {()}  # edges: (from, to) -> [(file, line)]
    for mod, (f, toks) in crate.items():
        children, refs = resolve_file(mod, toks, crate)
        declared |= set(children.values())
        for target, line in refs:
            if target != mod and (f, line) not in edges[mod, target]:
                edges[mod, target].append((f, line))
    return crate, dict(edges), sorted(set(crate) - declared)


def tarjan(nodes, succ):
    """Strongly connected components, iteratively (no recursion limit)."""
    index, low, stack, on_stack, sccs = {}, {}, [], set(), []
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(succ[root])))]
        index[root] = low[root] = len(index)
        stack.append(root), on_stack.add(root)
        while work:
            v, children = work[-1]
            w = next(children, None)
            if w is None:  # v is finished
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    scc = stack[stack.index(v):]
                    del stack[stack.index(v):]
                    on_stack.difference_update(scc)
                    sccs.append(scc)
            elif w not in index:
                index[w] = low[w] = len(index)
                stack.append(w), on_stack.add(w)
                work.append((w, iter(sorted(succ[w]))))
            elif w in on_stack:
                low[v] = min(low[v], index[w])
    return sccs


def shortest_cycle(hub, members, succ):
    """Breadth-first search from hub back to hub inside one SCC; returns [hub, .., hub]."""
    parent, queue = {hub: None}, collections.deque([hub])
    while queue:
        v = queue.popleft()
        for w in sorted(succ[v] & members):
            if w == hub:
                path = [v]
                while parent[path[-1]] is not None:
                    path.append(parent[path[-1]])
                return path[::-1] + [hub]
            if w not in parent:
                parent[w] = v
                queue.append(w)
    return [hub]


def name(mod):
    return "::".join(("crate",) + mod)


def parse_module(text):
    return tuple(s for s in text.split("::")[1:] if s) if text.startswith("crate") else tuple(text.split("::"))


@functools.lru_cache(maxsize=None)
def source_lines(f):
    return f.read_text(encoding="utf-8").splitlines()


def print_edge(a, b, edges, limit=None, indent="    "):
    refs = edges[a, b]
    print(f"{indent}{name(a)} -> {name(b)}  ({len(refs)} reference{'s' * (len(refs) != 1)})")
    for f, line in refs[:limit]:
        print(f"{indent}    {f}:{line}: {source_lines(f)[line - 1].strip()}")


def write_dot(path, nodes, edges, cyclic):
    with open(path, "w", encoding="utf-8") as out:
        out.write("digraph modules {\n  rankdir=LR;\n  node [shape=box, fontsize=10];\n")
        for n in nodes:
            out.write(f'  "{name(n)}"{" [color=red]" if n in cyclic else ""};\n')
        for a, b in sorted(edges):
            red = a in cyclic and cyclic[a] == cyclic.get(b)
            out.write(f'  "{name(a)}" -> "{name(b)}"{" [color=red]" if red else ""};\n')
        out.write("}\n")


def report_cycle(k, scc, crate, edges, succ, src):
    members = set(scc)
    inside = [(a, b) for a, b in edges if a in members and b in members]
    degree = collections.Counter(x for edge in inside for x in edge)
    hub = max(scc, key=lambda m: (degree[m], name(m)))
    print(f"\ncycle {k}: {len(scc)} modules, {len(inside)} edges inside, hub {name(hub)} "
          f"({sum(a == hub for a, _ in inside)} out, {sum(b == hub for _, b in inside)} in)")
    for m in scc:
        print(f"    {name(m)}  ({crate[m][0].relative_to(src)})")
    print("  a shortest cycle through the hub (fix one of these edges to break it):")
    path = shortest_cycle(hub, members, succ)
    for a, b in zip(path, path[1:]):
        print_edge(a, b, edges, limit=3)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", default="crates/server/src", help="the crate's src dir (default: %(default)s)")
    ap.add_argument("--dot", metavar="FILE", help="also write the graph as Graphviz dot")
    ap.add_argument("--edges", action="store_true", help="print every edge with its reference lines")
    ap.add_argument("--why", nargs=2, metavar=("A", "B"), help="print the references that make module A use B")
    ap.add_argument("--without", action="append", default=[], metavar="MOD",
                    help="leave module MOD (e.g. crate::app) out, to see the cycles that remain")
    args = ap.parse_args()
    crate, edges, orphans = build_graph(Path(args.src))
    if args.why:
        a, b = map(parse_module, args.why)
        print_edge(a, b, edges, indent="") if (a, b) in edges else print(f"{name(a)} does not use {name(b)}")
        return 0
    dropped = {parse_module(m) for m in args.without}
    nodes = sorted(m for m in crate if m not in dropped)
    edges = {(a, b): refs for (a, b), refs in edges.items() if a not in dropped and b not in dropped}
    succ = collections.defaultdict(set)
    for a, b in edges:
        succ[a].add(b)
    cycles = sorted((sorted(s) for s in tarjan(nodes, succ) if len(s) > 1), key=lambda s: (-len(s), s))
    if args.dot:
        write_dot(args.dot, nodes, edges, {m: k for k, scc in enumerate(cycles) for m in scc})
    print(f"{args.src}: {len(nodes)} modules, {len(edges)} use-edges, {len(cycles)} cycle(s)"
          + (f" (left out: {', '.join(map(name, dropped))})" if dropped else ""))
    for m in orphans:
        print(f"note: {crate[m][0].relative_to(args.src)} is not declared by a plain `mod` in its parent (#[path]? not compiled yet?)")
    if args.edges:
        for a, b in sorted(edges):
            print_edge(a, b, edges)
    for k, scc in enumerate(cycles, 1):
        report_cycle(k, scc, crate, edges, succ, args.src)
    return 1 if cycles else 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet when piped into `head`
    sys.exit(main())

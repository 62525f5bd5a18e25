"""The rubric's grammar loader (closer.rubric.lexicon) and the shipped prompts/phrases*.toml.

The loader merges every phrases*.toml of a folder, expands `{name}` references, keeps `[compose]`
templates and data tables working, and names the file and line of a clash, an unknown or circular
reference, a bad regex or an example its list fails. The shipped files define exactly the lists the
code asks for (an AST scan of src/closer/), every example there matches, and no line is long.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from closer.errors import UserError
from closer.rubric import lexicon

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "closer"
PROMPTS = ROOT / "prompts"
_CACHED = (lexicon.grammar, lexicon.phrases, lexicon.pattern, lexicon.spans, lexicon.contractions)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "prompts"
    d.mkdir()
    return d


@pytest.fixture
def custom_prompts(folder: Path, monkeypatch: pytest.MonkeyPatch):
    """CLOSER_PROMPTS_DIR at a scratch folder; the lexicon's caches emptied before and after."""
    monkeypatch.setenv("CLOSER_PROMPTS_DIR", str(folder))
    for f in _CACHED:
        f.cache_clear()
    yield folder
    monkeypatch.delenv("CLOSER_PROMPTS_DIR")
    for f in _CACHED:
        f.cache_clear()


def compiled(g: lexicon.Grammar, name: str) -> re.Pattern[str]:
    body = "|".join(f"(?:{e})" for e in g.expanded[name])
    return re.compile(rf"(?<![\w'])(?:{body})(?![\w'])")


# --- the loader --------------------------------------------------------------------------------

def test_lists_merge_across_files_in_entry_order(folder: Path):
    write(folder, "phrases.toml", '[greeting]\nmeans = "hello"\nentries = [\n  "hi",\n  "hello"]\n')
    write(folder, "phrases_more.toml", 'bare = ["one", "two"]\n[table]\nk = "v"\n')
    g = lexicon.load(folder)
    assert g.expanded["greeting"] == ("hi", "hello")
    assert g.expanded["bare"] == ("one", "two")
    assert g.data["table"] == {"k": "v"}
    assert g.concepts["greeting"].where == "prompts/phrases.toml line 1"
    assert g.concepts["greeting"].means == "hello"


def test_a_name_defined_in_two_files_is_a_clash_naming_both(folder: Path):
    write(folder, "phrases.toml", '# a comment\n[greeting]\nentries = ["hi"]\n')
    write(folder, "phrases_more.toml",
          '[fragments.x]\nentries = ["x"]\n\n[greeting]\nentries = ["yo"]\n')
    with pytest.raises(UserError, match=r"phrases_more.toml line 4 redefines greeting, already "
                                         r"defined in prompts/phrases.toml line 2"):
        lexicon.load(folder)


def test_a_fragment_may_not_share_a_concept_name(folder: Path):
    write(folder, "phrases.toml", '[x]\nentries = ["hi"]\n[fragments.x]\nentries = ["yo"]\n')
    with pytest.raises(UserError, match="line 3 redefines x"):
        lexicon.load(folder)


def test_data_tables_merge_key_by_key_and_a_repeated_key_clashes(folder: Path):
    write(folder, "phrases.toml", '[compose]\na = "{w} b"\n[fragments.w]\nentries = ["w"]\n')
    write(folder, "phrases_b.toml", '[compose]\nc = "{w} d"\n')
    g = lexicon.load(folder)
    assert g.data["compose"] == {"a": "{w} b", "c": "{w} d"}
    write(folder, "phrases_c.toml", '[compose]\na = "again"\n')
    with pytest.raises(UserError, match=r"phrases_c.toml line 2 redefines a, already defined in "
                                         r"prompts/phrases.toml line 2"):
        lexicon.load(folder)


def test_a_compose_template_is_a_concept_of_one_entry(folder: Path):
    write(folder, "phrases.toml", '\n'.join([
        'verbs = ["hire", "pick"]', 'objects = ["me", "us"]',
        '[compose]', 'pair = "{verbs} {objects}( now)?"', ''])
    )
    g = lexicon.load(folder)
    pat = compiled(g, "pair")
    assert pat.search("would you hire me now") and pat.search("pick us")
    assert not pat.search("hire them")
    assert g.concepts["pair"].line == 4


def test_references_expand_to_the_named_alternation_and_quantifiers_stay(folder: Path):
    write(folder, "phrases.toml", """
[fragments.filler]
entries = ['um+', 'uh+']

[asks]
entries = [
  'so( {filler})? what( \\w+){0,2} next',
]
""")
    g = lexicon.load(folder)
    assert g.expanded["asks"] == (r"so( (?:um+|uh+))? what( \w+){0,2} next",)
    pat = compiled(g, "asks")
    assert pat.search("so ummm what comes next") and pat.search("so what next")
    assert not pat.search("so er what next")


def test_a_reference_may_name_a_concept_and_nest(folder: Path):
    write(folder, "phrases.toml", """
[fragments.a]
entries = ['{b} x']
[fragments.b]
entries = ['{c}|y']
[c]
entries = ['z']
""")
    g = lexicon.load(folder)
    assert compiled(g, "a").search("z x") and compiled(g, "a").search("y x")


def test_a_sequence_fragment_joins_its_entries_one_after_another(folder: Path):
    write(folder, "phrases.toml", """
[fragments.not_after_aux]
sequence = true
entries = [
  '(?<!do )',
  '(?<!would )',
]
[you_know]
entries = ['{not_after_aux}you know']
""")
    pat = compiled(lexicon.load(folder), "you_know")
    assert pat.search("it was, you know, fine")
    assert not pat.search("do you know") and not pat.search("would you know")


def test_an_unknown_reference_names_its_file_and_line(folder: Path):
    write(folder, "phrases.toml", '[fragments.filler]\nentries = ["um"]\n')
    write(folder, "phrases_b.toml", "\n".join([
        "# asks", "[asks]", 'means = "a question"', "entries = [", "  'what',",
        "  'so {fillr} what',", "]", ""]))
    with pytest.raises(UserError, match=r"^prompts/phrases_b.toml line 6: \{fillr\} in asks names "
                                        r"no list"):
        lexicon.load(folder)


def test_a_circular_reference_names_its_file_line_and_loop(folder: Path):
    write(folder, "phrases.toml", "\n".join([
        "[fragments.a]", "entries = ['x {b}']", "[fragments.b]", "entries = [", "  'y',",
        "  'z {a}',", "]", ""]))
    with pytest.raises(UserError, match=r"line (2|6): \{[ab]\} in [ab] is circular \((a -> b -> a|"
                                        r"b -> a -> b)\)"):
        lexicon.load(folder)


def test_a_list_referring_to_itself_is_circular(folder: Path):
    write(folder, "phrases.toml", "[a]\nentries = [\n  'x',\n  'y {a}',\n]\n")
    with pytest.raises(UserError, match=r"line 4: \{a\} in a is circular \(a -> a\)"):
        lexicon.load(folder)


def test_an_unknown_key_in_a_list_is_reported(folder: Path):
    write(folder, "phrases.toml", '[a]\ncatch = ["x"]\nentries = ["x"]\n')
    with pytest.raises(UserError, match=r"line 1: a has unknown keys \['catch'\]"):
        lexicon.load(folder)


def copy_shipped(folder: Path) -> None:
    for path in PROMPTS.glob("phrases*.toml"):
        write(folder, path.name, path.read_text())


def test_a_bad_regex_names_the_entry_and_its_line(custom_prompts: Path):
    copy_shipped(custom_prompts)
    write(custom_prompts, "phrases_zz.toml",
          "[fragments.f]\nentries = [\n  'ok',\n  '(broken',\n]\n[g]\nentries = ['x {f}']\n")
    with pytest.raises(UserError, match=r"^prompts/phrases_zz.toml line 4: the entry '\(broken' "
                                        r"of f is not a valid regular expression \(missing \)"):
        lexicon.pattern("g")


def test_examples_that_fail_their_list_are_reported_by_line(folder: Path):
    write(folder, "phrases.toml", "\n".join([
        "[next_words]", 'means = "the next step"',
        'catches = ["What\'s next?", "the next stage"]',
        'misses = ["next year"]', "entries = ['what is next', 'next (year|stage)']", ""]))
    problems = lexicon.check_examples(lexicon.load(folder))
    assert problems == [
        "prompts/phrases.toml line 4: next_words matches the example 'next year' "
        "(normalised 'next year')."]


def test_a_missing_list_the_code_uses_is_named_at_load(custom_prompts: Path):
    copy_shipped(custom_prompts)
    text = (custom_prompts / "phrases_tone.toml").read_text()
    text = re.sub(r"^(\[?)apologies\b", r"\1apologiez", text, flags=re.M)
    write(custom_prompts, "phrases_tone.toml", text)
    with pytest.raises(UserError, match="The rubric uses the list apologies, which no "):
        lexicon.phrases()


def test_a_folder_without_phrase_files_is_a_user_error(folder: Path):
    with pytest.raises(UserError, match="has no phrases"):
        lexicon.load(folder)


# --- the names the code uses ----------------------------------------------------------------------

# where the list's name goes
_MATCHERS = {"has": 0, "find": 0, "find_all": 0, "pattern": 0, "spans": 0}


def _literals(node: ast.AST) -> list[str] | None:
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        out = [e.value for e in node.elts if isinstance(e, ast.Constant)]
        return out if len(out) == len(node.elts) and all(isinstance(v, str) for v in out) else None
    return None


def _loop_names(arg: ast.Name, parents: dict[ast.AST, ast.AST],
                module: ast.Module) -> list[str] | None:
    """The names a loop variable takes: a literal tuple, in place or as a module constant
    (a loop over `lexicon.CONCEPTS` itself adds none)."""
    node: ast.AST | None = arg
    while node is not None:
        loops: list[tuple[ast.AST, ast.AST]] = []
        if isinstance(node, (ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.DictComp)):
            loops = [(g.target, g.iter) for g in node.generators]
        elif isinstance(node, ast.For):
            loops = [(node.target, node.iter)]
        for target, it in loops:
            if isinstance(target, ast.Name) and target.id == arg.id:
                while (isinstance(it, ast.Call) and isinstance(it.func, ast.Name)
                       and it.func.id in ("sorted", "list", "tuple") and it.args):
                    it = it.args[0]
                if (isinstance(it, ast.Attribute) and it.attr == "CONCEPTS"
                        and isinstance(it.value, ast.Name) and it.value.id == "lexicon"):
                    return []  # every concept (closer.rubric.warm): no name of its own
                if isinstance(it, ast.Name):
                    for stmt in module.body:
                        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                                and isinstance(stmt.targets[0], ast.Name)
                                and stmt.targets[0].id == it.id):
                            return _literals(stmt.value)
                return _literals(it)
        node = parents.get(node)
    return None


class _Module:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.stem
        self.tree = ast.parse(path.read_text(), str(path))
        self.parents = {child: node for node in ast.walk(self.tree)
                        for child in ast.iter_child_nodes(node)}

    def function_of(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return None


def _callee(call: ast.Call, module: _Module,
            wrappers: dict[tuple[str, str], int]) -> int | None:
    """Where the list's name is among the call's arguments, if it calls lexicon or a wrapper."""
    f = call.func
    if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
        if f.value.id == "lexicon" and f.attr in _MATCHERS:
            return _MATCHERS[f.attr]
        return wrappers.get((f.value.id, f.attr))
    if isinstance(f, ast.Name):
        return wrappers.get((module.name, f.id))
    return None


def scan() -> tuple[set[str], set[str]]:
    """(names matched with has/find/find_all/pattern, names read through phrases()).

    A function passing one of its parameters on as the name (`explain.has(steps, name, ...)`) is a
    wrapper: its callers are scanned instead. Any other name that is not a literal fails."""
    modules = [_Module(p) for p in sorted(SRC.rglob("*.py")) if p.name != "lexicon.py"]
    wrappers: dict[tuple[str, str], int] = {}
    for _ in range(3):  # wrappers of wrappers
        for m in modules:
            for node in ast.walk(m.tree):
                if not isinstance(node, ast.Call):
                    continue
                at = _callee(node, m, wrappers)
                fn = m.function_of(node)
                if at is None or fn is None or len(node.args) <= at:
                    continue
                arg = node.args[at]
                params = [a.arg for a in fn.args.args]
                if isinstance(arg, ast.Name) and arg.id in params:
                    wrappers[(m.name, fn.name)] = params.index(arg.id)
    matched: set[str] = set()
    for m in modules:
        for node in ast.walk(m.tree):
            if not isinstance(node, ast.Call):
                continue
            at = _callee(node, m, wrappers)
            if at is None or len(node.args) <= at:
                continue
            arg = node.args[at]
            fn = m.function_of(node)
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                matched.add(arg.value)
                continue
            if (isinstance(arg, ast.Name) and fn is not None
                    and (m.name, fn.name) in wrappers and arg.id in [a.arg for a in fn.args.args]):
                continue  # the wrapper itself
            names = _loop_names(arg, m.parents, m.tree) if isinstance(arg, ast.Name) else None
            assert names is not None, (
                f"{m.path.relative_to(ROOT)} line {node.lineno}: a list name this test cannot "
                "read; pass a literal, or loop over a literal tuple (here or a module constant)")
            matched.update(names)
    return matched, _read_names()


def _read_names() -> set[str]:
    """Names read as `phrases()[name]` or `phrases().get(name)`, lexicon.py included."""
    def is_phrases(node: ast.AST) -> bool:
        return (isinstance(node, ast.Call) and not node.args
                and ((isinstance(node.func, ast.Name) and node.func.id == "phrases")
                     or (isinstance(node.func, ast.Attribute) and node.func.attr == "phrases")))

    read: set[str] = set()
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Subscript) and is_phrases(node.value)
                    and isinstance(node.slice, ast.Constant)):
                read.add(node.slice.value)
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "get" and is_phrases(node.func.value)
                    and node.args and isinstance(node.args[0], ast.Constant)):
                read.add(node.args[0].value)
    return read


def test_the_concept_names_in_lexicon_are_the_names_the_code_uses():
    matched, read = scan()
    assert matched == lexicon.CONCEPTS, (sorted(matched - lexicon.CONCEPTS),
                                         sorted(lexicon.CONCEPTS - matched))
    assert read == lexicon.TABLES, (sorted(read - lexicon.TABLES), sorted(lexicon.TABLES - read))


def test_every_name_the_code_uses_is_defined_as_a_concept():
    g = lexicon.grammar()
    for name in lexicon.CONCEPTS:
        assert name in g.concepts and not g.concepts[name].fragment, name
    for name in lexicon.TABLES:
        assert name in g.data or name in g.concepts, name


def test_every_concept_is_used_and_every_fragment_referenced():
    g = lexicon.grammar()
    referenced = {r for c in g.concepts.values() for e in c.entries
                  for r in lexicon._REF.findall(e)}
    for name, c in g.concepts.items():
        if c.fragment:
            assert name in referenced, f"{c.where}: fragment {name} is used by no entry"
        else:
            assert name in lexicon.CONCEPTS | lexicon.TABLES | referenced, (
                f"{c.where}: {name} is used by no code; make it a fragment or remove it")


# --- the shipped files -------------------------------------------------------------------------

def test_every_shipped_example_matches_its_list():
    assert lexicon.check_examples() == []


def _zero_width(entry: str) -> bool:
    """A look-around only ('(?<=\\bmy )'): it matches no words, so it has no example to give."""
    return re.fullmatch(r"(\(\?<?[=!][^()]*\))+", entry) is not None


def test_every_shipped_list_says_what_it_means_and_gives_an_example():
    for name, c in lexicon.grammar().concepts.items():
        if name in lexicon.TABLES:
            continue
        assert c.means, f"{c.where}: {name} has no `means`"
        examples_possible = not c.sequence and not all(_zero_width(e) for e in c.entries)
        assert c.catches or not examples_possible, f"{c.where}: {name} has no `catches` example"


def test_no_line_of_the_phrase_files_is_longer_than_120_characters():
    long = [f"{p.name}:{i}" for p in sorted(PROMPTS.glob("phrases*.toml"))
            for i, line in enumerate(p.read_text().splitlines(), 1) if len(line) > 120]
    assert not long, long


def test_every_phrase_file_opens_with_a_comment_on_what_it_holds():
    # a check split over several files (phrases_next_step*.toml) is found by its heads
    silent = [p.name for p in sorted(PROMPTS.glob("phrases*.toml"))
              if not p.read_text().startswith("# ")]
    assert not silent, silent


def test_phrases_gives_every_list_by_name_with_its_references_expanded():
    ph = lexicon.phrases()
    for name in lexicon.grammar().concepts:
        assert isinstance(ph[name], list), name
        assert not any(lexicon._REF.search(e) for e in ph[name]), name
    assert ph["min_words"] == 2 and "location" in ph["objection_topics"]
    assert ph["contractions_before"]["id"][0] == "i would"


def test_the_pattern_of_a_list_is_the_alternation_of_its_expanded_entries():
    pat = lexicon.pattern("apologies")
    assert pat.search("sorry, what happens next") and not pat.search("sorrywhat")
    assert lexicon.pattern("lead_ins", anchored=True).pattern.startswith("^(?:")
    assert lexicon.find_all("apologies", "sorry, pardon me") == ["sorry", "pardon"]

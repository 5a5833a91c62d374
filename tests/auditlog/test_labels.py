"""Every action the app writes to the audit log has a Dutch label: the FG never reads a code."""

import ast
from pathlib import Path

from app.auditlog.labels import ACTION_LABELS, action_options
from app.config import PROJECT_ROOT
from app.invitations.models import LinkPurpose

# Actions built from a value, and every action they can become.
BUILT_ACTIONS = {"f'{purpose.value}.gebruikt'": [f"{p.value}.gebruikt" for p in LinkPurpose]}


def _actions_in(path: Path) -> tuple[set[str], set[str]]:
    """The strings given as `action=` in a module (directly, in a conditional, or through a
    name assigned in the module), and the f-strings given so."""
    tree = ast.parse(path.read_text())
    assigned: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node.value)
    strings: set[str] = set()
    built: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg != "action":
                continue
            value = keyword.value
            # A parameter passed on: its callers give the strings, and are walked too.
            sources = assigned.get(value.id, []) if isinstance(value, ast.Name) else [value]
            for source in sources:
                _strings_of(source, strings, built)
    return strings, built


def _strings_of(node: ast.AST, strings: set[str], built: set[str]) -> None:
    """The strings in an expression (both sides of a conditional); an f-string as a whole."""
    if isinstance(node, ast.JoinedStr):
        built.add(ast.unparse(node))
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        strings.add(node.value)
    else:
        for child in ast.iter_child_nodes(node):
            _strings_of(child, strings, built)


def _recorded_actions() -> tuple[set[str], set[str]]:
    strings: set[str] = set()
    built: set[str] = set()
    for path in (PROJECT_ROOT / "app").rglob("*.py"):
        found, found_built = _actions_in(path)
        strings |= found
        built |= found_built
    return strings, built


def test_every_recorded_action_has_a_dutch_label() -> None:
    strings, built = _recorded_actions()
    assert built == set(BUILT_ACTIONS), "a new f-string action: list what it can become"
    built_actions = {action for actions in BUILT_ACTIONS.values() for action in actions}
    wanted = strings | built_actions
    assert {"casus.identificerend.ingezien", "logging.sleutel.ingesteld"} <= wanted
    assert sorted(wanted - set(ACTION_LABELS)) == []


def test_labels_are_dutch_sentences_not_codes() -> None:
    assert all(label[0].isupper() and "." not in label for label in ACTION_LABELS.values())
    assert len({label for _, label in action_options()}) == len(ACTION_LABELS)

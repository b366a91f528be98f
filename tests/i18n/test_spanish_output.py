"""The Spanish output of every example holds no English sentence left untranslated.

Every report a person reads is produced in Spanish and in English. A Spanish line is suspect
when, once the journey's own words (its ids and names), code in backticks, paths, options and
rule ids are set aside, it still holds an English function word (`the`, `of`, `is`, ...), or
it is also a line of the English output with words of its own left. The journeys are written
in Spanish, so their words are not English sentences; their ids may be English words, which
is why the journeys' words are set aside first.
"""

from __future__ import annotations

import re
import shutil
from functools import cache
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cyclemap.cli import COMMANDS, app
from tests.conftest import EXAMPLES, REPO

runner = CliRunner()

INVALID = REPO / "tests" / "fixtures" / "validity"
LOG = EXAMPLES / "logs" / "internet-support.csv"
JOURNEY = EXAMPLES / "internet-support.journey.yaml"

ENGLISH_WORDS = frozenset(
    re.findall(
        r"\w+",
        """the and of to is are was were be been with from for this that these those which who
        whose its it has have had not than then there when where into onto would should could
        must can cannot will none each every per their them they you your or if by at on an
        only also but what how many more most less least after before without within""",
    )
)
"""Words of English sentences that Spanish does not use."""

REPORTS = {
    "audit": ["audit", str(EXAMPLES)],
    "audit markdown": ["audit", str(EXAMPLES), "--format", "markdown"],
    "audit github": ["audit", str(EXAMPLES), "--format", "github"],
    "audit --log": ["audit", str(JOURNEY), "--log", str(LOG)],
    "validate": ["validate", str(INVALID)],
    "validate markdown": ["validate", str(INVALID), "--format", "markdown"],
    "stats": ["stats", str(EXAMPLES)],
    "mine": ["mine", str(LOG), "--journey", str(JOURNEY)],
    "mine markdown": ["mine", str(LOG), "--journey", str(JOURNEY), "--format", "markdown"],
    "rules": ["rules"],
    "compare": ["compare", str(JOURNEY), str(EXAMPLES / "service-cancellation.journey.yaml")],
    "compare markdown": [
        "compare",
        str(JOURNEY),
        str(EXAMPLES / "service-cancellation.journey.yaml"),
        "--format",
        "markdown",
    ],
    **{
        f"{function.__name__} --help": [function.__name__, "--help"]
        for function, _summary, _description in COMMANDS
    },
    "--help": ["--help"],
}

_SET_ASIDE = re.compile(
    r"`[^`]*`"  # code: field names, values, commands
    r"|«[^»]*»"  # a step's name, quoted
    r"|<[^<>\s]*>"  # a value's type in help (<text|json>), markdown tags
    r"|\[[a-z0-9-]+\]|\[CM\d+\]"  # a rule id, a problem's code
    r"|(?:--?|::)[A-Za-z][\w-]*(?:=\S*)?"  # options, workflow commands
    r"|\S*[/\\.]\S*\.(?:ya?ml|csv|md|toml|json)\S*"  # paths
    r"|https?://\S+|\S+#[\w-]+"  # links, anchors of the format reference
    r"|\b[A-Z][A-Z0-9_]{2,}\b"  # environment variables, metavars
    r"|\bcyclemap(?: [a-z]+)?"  # the program and its commands
)


@cache
def journey_words() -> frozenset[str]:
    """Every word the example journeys and fixtures write in their values (ids, names)."""
    words: set[str] = set()

    def collect(value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, str):
            words.update(re.findall(r"[a-záéíóúñü]+", value.lower()))

    for path in [*EXAMPLES.rglob("*.yaml"), *INVALID.rglob("*.yaml")]:
        try:
            documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except yaml.YAMLError:
            continue  # the broken fixtures' words are in backticks where they are shown
        for document in documents:
            collect(document)
    header = LOG.read_text(encoding="utf-8").splitlines()[0]
    words.update(re.findall(r"[a-z]+", header.lower()))
    return frozenset(words)


def own_words(line: str) -> list[str]:
    """The words of a line that are cyclemap's, not the journey's or code."""
    kept = _SET_ASIDE.sub(" ", line)
    words = re.findall(r"[A-Za-záéíóúñüÁÉÍÓÚÑÜ]+(?:'[a-z]+)?", kept)
    return [word for word in words if word.lower() not in journey_words()]


def suspects(spanish: str, english: str) -> list[str]:
    english_lines = {line.strip() for line in english.splitlines()}
    found = []
    for line in spanish.splitlines():
        words = own_words(line)
        english_word = [word for word in words if word.lower() in ENGLISH_WORDS]
        same = line.strip() in english_lines and len(words) >= 2
        if english_word or same:
            found.append(line.strip())
    return found


def output(arguments: list[str], language: str) -> str:
    result = runner.invoke(app, [*arguments, "--lang", language], env={"COLUMNS": "160"})
    assert result.exit_code in (0, 1), result.output
    return result.stdout + result.stderr


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_the_spanish_output_holds_no_english_sentence(name: str) -> None:
    spanish = output(REPORTS[name], "es")
    english = output(REPORTS[name], "en")
    assert spanish != english
    assert suspects(english, spanish), "the detector must see the English output as English"
    left = suspects(spanish, english)
    assert not left, "untranslated in Spanish:\n" + "\n".join(left)


USAGE_ERRORS = {
    "a value not among the choices": ["audit", "--format", "xml", str(EXAMPLES)],
    "an unknown option": ["audit", "--nope", str(EXAMPLES)],
    "a missing argument": ["explain"],
    "a missing option": ["mine", str(LOG)],
    "a value out of range": ["render", "--width", "5", str(JOURNEY)],
    "not a number": ["stats", "--top", "x", str(JOURNEY)],
    "an unknown command": ["nosuch"],
}


@pytest.mark.parametrize("name", sorted(USAGE_ERRORS))
def test_usage_errors_are_told_in_spanish(name: str) -> None:
    told = {}
    for language in ("es", "en"):
        result = runner.invoke(app, [*USAGE_ERRORS[name], "--lang", language])
        assert result.exit_code == 2
        told[language] = result.stderr
    assert "Error:" in told["en"] and "Try 'cyclemap" in told["en"]
    assert suspects(told["en"], told["es"]), "the detector must see the English output as English"
    assert not suspects(told["es"], told["en"]), told["es"]


def test_the_detector_finds_english_left_in_spanish() -> None:
    english = "the step `call-line` is not reached\nÉxito 68%"
    assert suspects("el paso `call-line` no se alcanza", english) == []
    assert suspects("the step `call-line` is not reached", english)
    assert suspects("Stuck customers", "Stuck customers") == ["Stuck customers"]
    assert suspects("Éxito 68%", english) == []  # a word of its own, a figure: not a sentence


def test_the_markdown_of_a_change_names_fixed_findings_in_spanish(tmp_path: Path) -> None:
    """A change that fixes findings: each is listed with its label in the reader's language."""
    shutil.copytree(EXAMPLES, tmp_path / "after")  # with the catalogs the journey imports
    after = tmp_path / "after" / JOURNEY.name
    text = after.read_text(encoding="utf-8")
    after.write_text(text.replace("abandon: 0.18", "abandon: 0.02", 1), encoding="utf-8")
    arguments = ["compare", str(JOURNEY), str(after), "--format", "markdown"]
    english, spanish = output(arguments, "en"), output(arguments, "es")
    assert "- fixed: " in english
    assert "- corregido: " in spanish
    assert "fixed" not in spanish

"""The codes of validation problems: stable names a person can look up and a tool can filter on.

A problem's code never changes once published, whatever its message says or however it is
worded in another language; a new kind of problem gets a new code. Each code points at the
section of the format reference that explains what to write instead (`docs/format.md#yaml`);
a problem about one field points at that field's own section, which takes precedence.
The rules of `cyclemap audit` need no code of their own: their names (`peloteo-loop`) are
already stable, and each has a section of the same name in the format reference.
"""

from __future__ import annotations

from dataclasses import dataclass

from cyclemap.errors import LoadError, Problem


@dataclass(frozen=True)
class Code:
    """One kind of validation problem."""

    code: str
    """`CM` and three digits: 0xx the file and its YAML, 1xx fields and values, 2xx references
    inside the journey, 3xx imports and the other journeys of the repository."""
    name: str
    """A readable alias of the code (`unknown-field`)."""
    section: str
    """The anchor of the format reference that explains it, when no field's section does."""
    summary: str
    """What is wrong, in a line (the table of codes in the format reference)."""

    def problem(
        self,
        file: str,
        line: int,
        column: int,
        path: str,
        message: str,
        hint: str = "",
        *,
        section: str = "",
    ) -> Problem:
        """A problem of this kind, pointing at `section` of the reference, else at the code's."""
        return Problem(
            file, line, column, path, message, hint, code=self.code, section=section or self.section
        )

    def error(self, file: str, line: int, column: int, message: str, hint: str) -> LoadError:
        """A load error with a single problem of this kind, of the file as a whole."""
        return LoadError([self.problem(file, line, column, "", message, hint)])


FILE_TOO_LARGE = Code("CM001", "file-too-large", "limits", "the file is larger than any journey")
NOT_UTF8 = Code("CM002", "not-utf8", "yaml", "the file is not UTF-8 text")
FORBIDDEN_CHARACTER = Code(
    "CM003", "forbidden-character", "yaml", "a control character that has no place in a journey"
)
YAML_SYNTAX = Code("CM004", "yaml-syntax", "yaml", "the text is not valid YAML")
ONE_DOCUMENT = Code("CM005", "one-document", "yaml", "more than one YAML document in the file")
YAML_FEATURE = Code(
    "CM006",
    "yaml-feature",
    "yaml",
    "anchors, aliases, tags or merge keys: journeys never need them",
)
DUPLICATE_KEY = Code("CM007", "duplicate-key", "yaml", "the same key written twice in a mapping")
NOT_A_JOURNEY = Code("CM008", "not-a-journey", "cyclemap", "no top-level `cyclemap:` key")

UNKNOWN_FIELD = Code("CM101", "unknown-field", "top-level", "a field the format does not have")
MISSING_FIELD = Code("CM102", "missing-field", "top-level", "a required field is missing")
WRONG_TYPE = Code(
    "CM103", "wrong-type", "yaml", "text, a list, a mapping or true/false where another is needed"
)
NOT_A_NUMBER = Code("CM104", "not-a-number", "numbers", "a number is needed")
PERCENTAGE = Code("CM105", "percentage", "numbers", "a percentage where a fraction is needed")
THOUSANDS_SEPARATOR = Code(
    "CM106", "thousands-separator", "numbers", "a number written with a thousands separator"
)
DECIMAL_COMMA = Code("CM107", "decimal-comma", "numbers", "a decimal comma instead of a point")
FRACTION_ABOVE_ONE = Code(
    "CM108", "fraction-above-one", "numbers", "a fraction above 1, probably a percentage"
)
OUT_OF_RANGE = Code("CM109", "out-of-range", "numbers", "a number outside the values allowed")
NOT_ONE_OF = Code("CM110", "not-one-of", "top-level", "a word that is not one of those allowed")
INVALID_ID = Code("CM111", "invalid-id", "ids", "an id with characters ids cannot have")
INVALID_DURATION = Code("CM112", "invalid-duration", "step-duration", "not a duration")
FORMAT_VERSION = Code("CM113", "format-version", "cyclemap", "not format version 1")
EMPTY_LIST = Code("CM114", "empty-list", "top-level", "a list that needs at least one item")
EMPTY_REASON = Code("CM115", "empty-reason", "step-allow", "an `allow` without its reason")

DUPLICATE_ID = Code("CM201", "duplicate-id", "ids", "two stages or steps with the same id")
UNKNOWN_REFERENCE = Code(
    "CM202", "unknown-reference", "ids", "a stage, channel, team or step that is not defined"
)
OUTCOME_WITH_NEXT = Code(
    "CM203", "outcome-with-next", "step-outcome", "a failure or abandoned outcome that goes on"
)
TARGET_TWICE = Code("CM204", "target-twice", "step-next", "a step that lists a target twice")
UNKNOWN_RULE = Code("CM205", "unknown-rule", "step-allow", "`allow` names no rule")
NO_ENTRY = Code("CM206", "no-entry", "step-entry", "no step is an entry")

IMPORT_NOT_FOUND = Code(
    "CM301", "import-not-found", "imports", "an import that cannot be found or read"
)
IMPORT_CYCLE = Code("CM302", "import-cycle", "imports", "catalogs that import each other")
NOT_A_CATALOG = Code("CM303", "not-a-catalog", "imports", "an import that is not a catalog")
DEFINED_TWICE = Code("CM304", "defined-twice", "imports", "a channel or team defined in two places")
JOURNEY_ID_TWICE = Code(
    "CM305", "journey-id-twice", "journey-id", "two journeys of a repository with the same id"
)
UNKNOWN_LINK = Code(
    "CM306", "unknown-link", "links", "a link to a journey or step that does not exist"
)

CODES: dict[str, Code] = {
    code.code: code
    for code in (
        FILE_TOO_LARGE,
        NOT_UTF8,
        FORBIDDEN_CHARACTER,
        YAML_SYNTAX,
        ONE_DOCUMENT,
        YAML_FEATURE,
        DUPLICATE_KEY,
        NOT_A_JOURNEY,
        UNKNOWN_FIELD,
        MISSING_FIELD,
        WRONG_TYPE,
        NOT_A_NUMBER,
        PERCENTAGE,
        THOUSANDS_SEPARATOR,
        DECIMAL_COMMA,
        FRACTION_ABOVE_ONE,
        OUT_OF_RANGE,
        NOT_ONE_OF,
        INVALID_ID,
        INVALID_DURATION,
        FORMAT_VERSION,
        EMPTY_LIST,
        EMPTY_REASON,
        DUPLICATE_ID,
        UNKNOWN_REFERENCE,
        OUTCOME_WITH_NEXT,
        TARGET_TWICE,
        UNKNOWN_RULE,
        NO_ENTRY,
        IMPORT_NOT_FOUND,
        IMPORT_CYCLE,
        NOT_A_CATALOG,
        DEFINED_TWICE,
        JOURNEY_ID_TWICE,
        UNKNOWN_LINK,
    )
}
"""Every code, in order: the table the format reference lists and a test pins."""

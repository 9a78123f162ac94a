"""Read and write pabulib ``.pb`` files, the open format of participatory-budgeting elections.

A ``.pb`` file (https://pabulib.org/format) has three semicolon-separated CSV sections::

    META                      PROJECTS                      VOTES
    key;value                 project_id;cost;votes;...     voter_id;vote;points;...
    budget;6112868            L010;1603000;16904;...        1401204197;L005,L007,L008;...
    vote_type;approval        ...                           ...

We read it into a :class:`PabulibElection`: the META pairs and the project rows as text (so
nothing is lost on the way back out), the voters' other columns (age, sex, ...) as text, and the
ballots as a :class:`budgeting.rules.Profile` ready for :func:`budgeting.rules.compute`.
:func:`dumps` writes the same structure back, so an exported round re-imports to the same
outcome (tested), and :meth:`PabulibElection.from_profile` builds one from a round's ballots.

How we read it follows pabutools' ``parse_pabulib`` (the field's reference parser), so outcomes
computed from our parse equal pabutools' on the same file:

* ``vote_type`` ``approval`` and ``choose-1`` are approval ballots; ``cumulative`` and ``scoring``
  carry ``points`` (pabutools reads both as cardinal ballots, and our rules use the points as
  the voter's utilities); ``ordinal`` ballots keep their ranking order in the profile and count
  as approval of every ranked project, which is what pabutools' cost and cardinality
  satisfactions do with them.
* Cells reading ``none`` are missing values. Project ids are stripped strings (they are also the
  tie-breaking key, see :mod:`budgeting.rules`). Costs, the budget and points are read exactly
  (decimal text such as ``100000.0`` or ``1234,5`` becomes a fraction, never a float).
* A project listed twice on one ballot counts once (approval) or keeps its last points
  (cumulative), as in pabutools. An unknown project id on a ballot is an error.

Parsing is linear and the VOTES section is handled in bulk (one ``split`` and one dictionary
lookup per vote), which reads a 4 MB file with 90,000 voters in well under a second.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import chain
from typing import IO, NoReturn

import numpy as np

from budgeting.rules import Profile

APPROVAL_TYPES = ("approval", "choose-1", "ordinal")
POINTS_TYPES = ("cumulative", "scoring")
VOTE_TYPES = APPROVAL_TYPES + POINTS_TYPES
SECTIONS = ("meta", "projects", "votes")


class PabulibError(ValueError):
    """The file is not a valid ``.pb`` file; the message says where and why."""


@dataclass(eq=False)
class PabulibElection:
    """One ``.pb`` file: its META, its projects and its ballots.

    ``projects`` keeps every PROJECTS column as text, in file order (``project_id`` and
    ``cost`` always present); ``voter_ids`` and ``voter_columns`` keep the VOTES section's other
    columns as text, one entry per voter in ``profile`` order. ``points_denominator`` is 1
    unless the file's points were fractions (the profile then holds them multiplied by it, which
    changes no outcome since utilities only matter up to a common factor).
    """

    meta: dict[str, str]
    projects: list[dict[str, str]]
    profile: Profile
    voter_ids: list[str]
    voter_columns: dict[str, list[str]] = field(default_factory=dict)
    points_denominator: int = 1

    @property
    def vote_type(self) -> str:
        """``approval``, ``choose-1``, ``ordinal``, ``cumulative`` or ``scoring``."""
        return self.meta["vote_type"].strip().lower()

    @classmethod
    def from_profile(
        cls,
        profile: Profile,
        *,
        meta: Mapping[str, str],
        projects: Sequence[Mapping[str, str]] | None = None,
        voter_ids: Sequence[str] | None = None,
        voter_columns: Mapping[str, Sequence[str]] | None = None,
    ) -> PabulibElection:
        """Build the file for a profile (for example a round's anonymised ballots).

        ``meta`` should hold at least ``description``, ``country``, ``unit``, ``instance`` and
        ``vote_type`` (``approval`` or ``cumulative``); ``num_projects``, ``num_votes`` and
        ``budget`` are filled in from the profile. ``projects`` adds columns (``name``,
        ``category``...) per project in profile order; ``votes`` (the tally) is filled in.
        Voter ids default to 1..n.
        """
        vote_type = meta.get("vote_type", "approval" if profile.is_approval else "cumulative")
        if vote_type not in VOTE_TYPES:
            raise PabulibError(f"Unknown vote_type {vote_type!r}.")
        if (vote_type in POINTS_TYPES) == profile.is_approval:
            raise PabulibError(f"vote_type {vote_type!r} does not match the profile's ballots.")
        full_meta = {key: str(value) for key, value in meta.items()}
        full_meta.update(
            num_projects=str(profile.num_projects),
            num_votes=str(profile.num_voters),
            budget=_number_text(profile.budget),
            vote_type=vote_type,
        )
        supporters = profile.supporter_counts().tolist()
        scores = profile.scores().tolist()
        rows = []
        for index, project_id in enumerate(profile.project_ids):
            row = {"project_id": project_id, "cost": _number_text(profile.costs[index])}
            row["votes"] = str(supporters[index])
            if not profile.is_approval:
                row["score"] = str(scores[index])
            if projects is not None:
                row.update({k: str(v) for k, v in projects[index].items() if k not in row})
            rows.append(row)
        ids = [str(i) for i in voter_ids] if voter_ids is not None else None
        if ids is None:
            ids = [str(i + 1) for i in range(profile.num_voters)]
        if len(ids) != profile.num_voters:
            raise PabulibError("There must be one voter id per ballot.")
        columns = {k: [str(x) for x in v] for k, v in (voter_columns or {}).items()}
        for name, values in columns.items():
            if len(values) != profile.num_voters:
                raise PabulibError(f"Voter column {name!r} must have one value per ballot.")
        return cls(meta=full_meta, projects=rows, profile=profile, voter_ids=ids, voter_columns=columns)


def load(path: str | os.PathLike[str]) -> PabulibElection:
    """Parse the ``.pb`` file at ``path`` (UTF-8, with or without a byte-order mark)."""
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return loads(stream.read())


def loads(text: str) -> PabulibElection:
    """Parse the text of a ``.pb`` file."""
    text = text.removeprefix("\ufeff")
    sections = _split_sections(text)
    for name in SECTIONS:
        if name not in sections:
            raise PabulibError(f"The file has no {name.upper()} section.")

    meta: dict[str, str] = {}
    for line_no, row in _csv_rows(*sections["meta"]):
        if len(row) < 2:
            raise PabulibError(f"Line {line_no}: a META line needs a key and a value.")
        meta[row[0].strip()] = row[1].strip()
    vote_type = meta.get("vote_type", "").strip().lower()
    if vote_type not in VOTE_TYPES:
        raise PabulibError(
            f"META vote_type is {meta.get('vote_type')!r}; we read approval, choose-1, ordinal, "
            "cumulative and scoring ballots."
        )
    if "budget" not in meta:
        raise PabulibError("META has no budget.")
    budget = _parse_number(meta["budget"], "META budget")

    project_rows = _csv_rows(*sections["projects"])
    project_header = [cell.strip() for cell in project_rows[0][1]] if project_rows else []
    if "cost" not in project_header:
        raise PabulibError("The PROJECTS section has no cost column.")
    projects: list[dict[str, str]] = []
    index_of: dict[str, int] = {}
    costs: list[Fraction] = []
    for line_no, row in project_rows[1:]:
        if len(row) != len(project_header):
            raise PabulibError(
                f"Line {line_no}: {len(row)} fields where the PROJECTS header has {len(project_header)}."
            )
        record = {key: value.strip() for key, value in zip(project_header, row, strict=True)}
        # pabutools names a project after the first column whatever its header says.
        project_id = record[project_header[0]]
        if project_id in index_of:
            raise PabulibError(f"Line {line_no}: project {project_id!r} is listed twice.")
        index_of[project_id] = len(projects)
        costs.append(_parse_number(record["cost"], f"line {line_no}: cost"))
        projects.append(record)

    header, columns, line_numbers = _vote_columns(*sections["votes"])
    if "vote" not in header:
        raise PabulibError("The VOTES section has no vote column.")
    has_points = vote_type in POINTS_TYPES
    if has_points and "points" not in header:
        raise PabulibError(f"vote_type {vote_type} needs a points column in VOTES.")
    n = len(line_numbers)
    vote_texts = _none_as_empty(columns[header.index("vote")])
    points_texts = _none_as_empty(columns[header.index("points")]) if has_points else None
    if "voter_id" in header:
        voter_ids = list(columns[header.index("voter_id")])
    else:
        voter_ids = [str(i + 1) for i in range(n)]
    extra = {
        name: list(columns[i]) for i, name in enumerate(header) if name not in ("voter_id", "vote", "points")
    }

    profile, denominator = _ballots_to_profile(
        budget=budget,
        project_ids=[p[project_header[0]] for p in projects],
        costs=costs,
        index_of=index_of,
        vote_texts=vote_texts,
        points_texts=points_texts,
        line_numbers=line_numbers,
    )
    return PabulibElection(
        meta=meta,
        projects=projects,
        profile=profile,
        voter_ids=voter_ids,
        voter_columns=extra,
        points_denominator=denominator,
    )


def dump(election: PabulibElection, stream: IO[str]) -> None:
    """Write ``election`` as a ``.pb`` file to a text stream."""
    writer = csv.writer(stream, delimiter=";", lineterminator="\n")
    meta = dict(election.meta)
    meta.update(
        num_projects=str(election.profile.num_projects),
        num_votes=str(election.profile.num_voters),
    )
    stream.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in meta.items():
        writer.writerow([key, value])

    stream.write("PROJECTS\n")
    header = list(election.projects[0].keys()) if election.projects else ["project_id", "cost"]
    for row in election.projects:
        header.extend(key for key in row if key not in header)
    writer.writerow(header)
    for row in election.projects:
        writer.writerow([row.get(key, "") for key in header])

    stream.write("VOTES\n")
    profile = election.profile
    has_points = election.vote_type in POINTS_TYPES
    extra = list(election.voter_columns)
    writer.writerow(["voter_id", "vote", *(["points"] if has_points else []), *extra])
    ids = profile.project_ids
    starts = profile.ballot_starts.tolist()
    projects = profile.ballot_projects.tolist()
    points = profile.ballot_points.tolist() if profile.ballot_points is not None else None
    denominator = election.points_denominator
    extra_lists = [election.voter_columns[name] for name in extra]
    for voter in range(profile.num_voters):
        lo, hi = starts[voter], starts[voter + 1]
        cells = [election.voter_ids[voter], ",".join(ids[p] for p in projects[lo:hi])]
        if points is not None:
            cells.append(",".join(_number_text(Fraction(x, denominator)) for x in points[lo:hi]))
        cells.extend(values[voter] for values in extra_lists)
        writer.writerow(cells)


def dumps(election: PabulibElection) -> str:
    """The ``.pb`` text of ``election``."""
    buffer = io.StringIO()
    dump(election, buffer)
    return buffer.getvalue()


# -- internals ---------------------------------------------------------------------------------


_SECTION_LINE = re.compile(r"^[ \t]*(meta|projects|votes)[ \t;]*\r?$", re.IGNORECASE | re.MULTILINE)


def _split_sections(text: str) -> dict[str, tuple[str, int]]:
    """Map each section name to (its text after the marker line, the line number it starts on)."""
    markers = list(_SECTION_LINE.finditer(text))
    sections: dict[str, tuple[str, int]] = {}
    if markers and text[: markers[0].start()].strip():
        raise PabulibError("Line 1: text before the META section.")
    for number, match in enumerate(markers):
        name = match.group(1).lower()
        if name in sections:
            line = text.count("\n", 0, match.start()) + 1
            raise PabulibError(f"Line {line}: a second {name.upper()} section.")
        body_start = match.end() + 1
        body_end = markers[number + 1].start() if number + 1 < len(markers) else len(text)
        sections[name] = (text[body_start:body_end], text.count("\n", 0, body_start) + 1)
    return sections


def _csv_rows(body: str, first_line: int) -> list[tuple[int, list[str]]]:
    """The non-blank rows of a section (header first) with their line numbers."""
    reader = csv.reader(io.StringIO(body), delimiter=";")
    rows = []
    for row in reader:
        if row and (len(row) > 1 or row[0].strip()):
            rows.append((first_line + reader.line_num - 1, row))
    return rows


def _vote_columns(body: str, first_line: int) -> tuple[list[str], list[tuple[str, ...]], list[int]]:
    """VOTES as (header, one tuple of stripped cells per column, line numbers), in bulk."""
    if '"' in body:
        numbered = _csv_rows(body, first_line)
    else:
        # No quoting anywhere: plain splitting is exact and far faster than the csv module.
        numbered = [
            (first_line + i, line.rstrip("\r").split(";"))
            for i, line in enumerate(body.split("\n"))
            if line.strip()
        ]
    if not numbered:
        return [], [], []
    header = [cell.strip() for cell in numbered[0][1]]
    rows = [row for _, row in numbered[1:]]
    line_numbers = [line for line, _ in numbered[1:]]
    width = len(header)
    if any(len(row) != width for row in rows):
        bad = next(i for i, row in enumerate(rows) if len(row) != width)
        raise PabulibError(
            f"Line {line_numbers[bad]}: {len(rows[bad])} fields where the VOTES header has {width}."
        )
    columns = [tuple(cell.strip() for cell in column) for column in zip(*rows, strict=True)] if rows else []
    if not rows:
        columns = [() for _ in header]
    return header, columns, line_numbers


def _none_as_empty(cells: Sequence[str]) -> list[str]:
    if any(len(cell) == 4 and cell.lower() == "none" for cell in cells):
        return ["" if cell.lower() == "none" else cell for cell in cells]
    return list(cells)


def _parse_number(text: str, where: str) -> Fraction:
    try:
        value = Fraction(text.strip().replace(",", "."))
    except (ValueError, ZeroDivisionError):
        raise PabulibError(f"{where}: {text!r} is not a number.") from None
    if value < 0:
        raise PabulibError(f"{where}: {text!r} is negative.")
    return value


def _number_text(value: Fraction | int) -> str:
    """Exact text for a number: an integer when it is one, else a terminating decimal or a/b."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    digits = max(twos, fives)
    scaled = value * 10**digits
    sign = "-" if scaled < 0 else ""
    whole, frac = divmod(abs(int(scaled)), 10**digits)
    return f"{sign}{whole}.{frac:0{digits}d}"


def _ballots_to_profile(
    *,
    budget: Fraction,
    project_ids: list[str],
    costs: list[Fraction],
    index_of: dict[str, int],
    vote_texts: list[str],
    points_texts: list[str] | None,
    line_numbers: list[int],
) -> tuple[Profile, int]:
    """Turn the vote (and points) cells into CSR arrays with one lookup per vote."""
    n = len(vote_texts)
    split = [text.split(",") if text else [] for text in vote_texts]
    tokens = list(chain.from_iterable(split))
    if "" in tokens:
        # Stray commas ("1,,2", "1,2,"): skip the empty names, as pabutools does.
        split = [[t for t in ballot if t] for ballot in split]
        tokens = list(chain.from_iterable(split))
    lengths = np.fromiter(map(len, split), dtype=np.int64, count=n)
    try:
        projects = np.fromiter(map(index_of.__getitem__, tokens), dtype=np.int64, count=len(tokens))
    except KeyError:
        try:
            projects = np.array([index_of[t.strip()] for t in tokens], dtype=np.int64)
        except KeyError:
            _raise_unknown_project(vote_texts, index_of, line_numbers)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])

    points: np.ndarray | None = None
    denominator = 1
    if points_texts is not None:
        point_split = [text.split(",") if text else [] for text in points_texts]
        point_lengths = np.fromiter(map(len, point_split), dtype=np.int64, count=n)
        if not np.array_equal(point_lengths, lengths):
            bad = int(np.flatnonzero(point_lengths != lengths)[0])
            raise PabulibError(f"Line {line_numbers[bad]}: the vote and points lists differ in length.")
        point_tokens = list(chain.from_iterable(point_split))
        try:
            points = np.fromiter(map(int, point_tokens), dtype=np.int64, count=len(point_tokens))
        except ValueError:
            values = [_parse_number(t, "points") for t in point_tokens]
            for value in values:
                denominator = denominator * value.denominator // math.gcd(denominator, value.denominator)
            points = np.array([int(v * denominator) for v in values], dtype=np.int64)
        if len(points) and points.min() < 0:
            raise PabulibError("Points must not be negative.")

    starts, projects, points = _drop_repeats(starts, projects, points)
    profile = Profile(
        budget=budget,
        project_ids=tuple(project_ids),
        costs=tuple(costs),
        ballot_starts=starts,
        ballot_projects=projects,
        ballot_points=points,
    )
    return profile, denominator


def _drop_repeats(
    starts: np.ndarray, projects: np.ndarray, points: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """A project named twice on a ballot counts once, keeping the last points (as pabutools)."""
    n = len(starts) - 1
    if len(projects) == 0:
        return starts, projects, points
    voter = np.repeat(np.arange(n), np.diff(starts))
    key = voter * (int(projects.max()) + 1) + projects
    ordered = np.sort(key)
    if not np.any(ordered[1:] == ordered[:-1]):
        return starts, projects, points
    # Keep the last occurrence of each (voter, project), in the order of first appearance as a
    # set keeps it (approval) or the order of assignment as a dict keeps it (cumulative): both
    # keep first-appearance positions, with the value of the last occurrence.
    _, first = np.unique(key, return_index=True, sorted=True)
    _, last_rev = np.unique(key[::-1], return_index=True, sorted=True)
    last = len(key) - 1 - last_rev
    order = np.argsort(first, kind="stable")
    keep_positions = first[order]
    new_projects = projects[keep_positions]
    new_points = points[last[order]] if points is not None else None
    counts = np.bincount(voter[keep_positions], minlength=n)
    new_starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=new_starts[1:])
    return new_starts, new_projects, new_points


def _raise_unknown_project(
    vote_texts: Iterable[str], index_of: dict[str, int], line_numbers: list[int]
) -> NoReturn:
    for number, text in enumerate(vote_texts):
        for token in text.split(","):
            if token and token.strip() not in index_of:
                raise PabulibError(
                    f"Line {line_numbers[number]}: the ballot names project {token.strip()!r}, "
                    "which is not in the PROJECTS section."
                )
    raise PabulibError("A ballot names a project that is not in the PROJECTS section.")

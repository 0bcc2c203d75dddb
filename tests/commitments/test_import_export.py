"""Import and export of commitments as YAML and CSV: round trips, updates with history,
all-or-nothing rejection, and the same file twice changing nothing."""

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parity.commitments import importer, schemas, service
from parity.commitments.validation import Where, check_commitment
from parity.errors import InputError
from parity.store import make_engine, open_session, upgrade

from .conftest import at, kent_senior


def _fresh(tmp_path, name="fresh.db"):  # noqa: ANN001, ANN202
    engine = make_engine(f"sqlite:///{tmp_path / name}")
    upgrade(engine)
    session = open_session(engine)
    service.ensure_defaults(session)  # as the import command does first
    return engine, session


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
def test_export_then_import_elsewhere_gives_the_same_commitments(db, tmp_path, fmt):
    service.add_commitment(db, data=kent_senior(), by="analyst", at=at(2020, 6, 1))
    service.link_article(db, ref="kent-1", article="https://example.org/a,b", note="note, quoted")
    text = importer.render(importer.export_commitments(db), fmt)
    path = tmp_path / f"out.{fmt}"
    path.write_text(text, encoding="utf-8")
    engine, other = _fresh(tmp_path)
    try:
        result = importer.import_commitments(other, path=path, by="importer")
        assert result.added == ["kent-1"] and len(result.unchanged) == 6
        assert importer.render(importer.export_commitments(other), fmt) == text
        again = importer.import_commitments(other, path=path)
        assert again.status == "unchanged"
    finally:
        other.close()
        engine.dispose()


def test_an_imported_change_is_a_new_version_with_its_history(db, tmp_path):
    service.add_commitment(db, data=kent_senior(), by="analyst", at=at(2020, 6, 1))
    rows = list(csv.DictReader(io.StringIO(importer.render(
        importer.export_commitments(db, force_id="Kent"), "csv"))))
    assert len(rows) == 1
    rows[0]["target_value"] = "0.4"
    path = tmp_path / "kent.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=schemas.CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    result = importer.import_commitments(db, path=path, by="hr", at=at(2022, 2, 2))
    assert result.updated == ["kent-1"]
    last = service.history(db, ref="kent-1")[-1]
    assert last["action"] == "target moved" and last["changed_by"] == "hr"
    assert "imported from kent.csv" in last["summary"]
    assert service.get_commitment(db, ref="kent-1")["indicators"][0]["target_value"] == 0.4


def test_a_bad_file_reports_every_problem_and_imports_nothing(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "ref,scope,force,title,theme,made,kind,params,target_value,target_date\n"
        "x-1,force,Atlantis,One,culture,2021-01-01,manual,,,\n"
        "x-2,force,Kent,,culture,not a date,representation,group=senior,1.5,2024-03-31\n"
        "x-3,force,Kent,Three,culture,2021-01-01,paygap,,10,2020-01-01\n",
        encoding="utf-8")
    with pytest.raises(InputError) as err:
        importer.import_commitments(db, path=path)
    found = {(p.row, p.column) for p in err.value.problems}
    assert {(2, "force"), (3, "title"), (3, "made"), (3, "target_value"),
            (4, "params"), (4, "target_date")} <= found
    assert [c["ref"] for c in service.list_commitments(db) if c["scope"] == "force"] == []


def test_a_file_that_is_not_a_commitments_file_is_refused(db, shared_data, tmp_path):
    with pytest.raises(InputError, match="not a commitments CSV"):
        importer.import_commitments(db, path=shared_data / "heforshe" / "commitments.csv")
    path = tmp_path / "list.yaml"
    path.write_text("just: a mapping\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected a list"):
        importer.import_commitments(db, path=path)


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"),
                                       blacklist_characters=";|"), min_size=1, max_size=30
                ).filter(lambda s: s.strip())
one_line = texts.map(lambda t: " ".join(t.split()))
entered_baseline = st.one_of(st.just({}), st.fixed_dictionaries({
    "baseline_value": st.floats(0, 1000, allow_nan=False), "baseline_evidence": one_line}))
indicator = st.builds(lambda fields, baseline: {**fields, **baseline}, st.fixed_dictionaries({
    "kind": st.just("manual"),
    "label": texts,
    "params": st.fixed_dictionaries({"unit": st.sampled_from(["value", "pct", "share"])}),
    "direction": st.sampled_from(["up", "down"]),
    "baseline_year": st.integers(2010, 2020),
    "target_value": st.floats(-1000, 1000, allow_nan=False),
    "target_date": st.dates(min_value=__import__("datetime").date(2022, 1, 1)).map(str),
}), entered_baseline)


link = st.fixed_dictionaries({
    "article": st.from_regex(r"https://example\.org/[a-z]{1,8}", fullmatch=True),
    "note": st.one_of(st.none(), one_line),
})


@settings(max_examples=60, deadline=None)
@given(title=texts, theme=texts, indicators=st.lists(indicator, min_size=1, max_size=3),
       links=st.lists(link, unique_by=lambda x: x["article"], max_size=3))
def test_the_csv_form_round_trips(title, theme, indicators, links):
    data = {"ref": "kent-9", "force": "Kent", "title": title, "theme": theme,
            "made": "2021-05-05", "indicators": indicators, "links": links}
    spec, problems = check_commitment(data, where=Where("test"))
    assert problems == []
    rows = schemas.to_csv_rows([spec])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=schemas.CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    read = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    [(_, back, indicator_rows)] = schemas.from_csv_rows(list(enumerate(read, start=2)))
    assert indicator_rows == list(range(2, 2 + len(indicators)))
    back["links"] = schemas.csv_links(back["links"], back.pop("link_notes"))
    again, problems = check_commitment(back, where=Where("test"))
    assert problems == []
    assert again == spec


def _write_csv(path, rows: list[dict]):  # noqa: ANN001, ANN202
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=schemas.CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_problem_with_an_indicator_names_its_own_row_and_column(db, tmp_path):
    """Kent's commitment spans rows 2 to 4, one indicator a row: the bad direction on row 4
    is reported on row 4, in the CSV's column; a title that differs between its rows too."""
    service.add_commitment(db, data=kent_senior(), by="analyst", at=at(2020, 6, 1))
    [row] = schemas.to_csv_rows(importer.export_commitments(db, force_id="Kent"))
    second = {**row, "kind": "manual", "params": "unit=value", "position": "2",
              "baseline_value": "3", "baseline_evidence": "PSD report", "target_value": "1",
              "direction": "down"}
    third = {**second, "position": "3", "direction": "sideways", "title": "Another title"}
    path = _write_csv(tmp_path / "kent.csv", [row, second, third])
    with pytest.raises(InputError) as err:
        importer.import_commitments(db, path=path)
    found = {(p.row, p.column): p.message for p in err.value.problems}
    assert set(found) == {(4, "direction"), (4, "title")}
    assert "sideways" in found[(4, "direction")]
    assert found[(4, "title")].startswith("differs from row 2 of kent-1")
    assert [h["action"] for h in service.history(db, ref="kent-1")] == ["created"]


def test_link_notes_survive_a_csv_round_trip_in_the_same_database(db, tmp_path):
    service.add_commitment(db, data=kent_senior(), by="analyst", at=at(2020, 6, 1))
    service.link_article(db, ref="kent-1", article="https://example.org/a", note="mentoring")
    service.link_article(db, ref="kent-1", article="https://example.org/b")
    service.link_article(db, ref="kent-1", article="https://example.org/c", note="flexible")
    items = importer.export_commitments(db, force_id="Kent")
    text = importer.render(items, "csv")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["links"] == "https://example.org/a | https://example.org/b | https://example.org/c"
    assert row["link_notes"] == "mentoring\n\nflexible"
    row["target_value"] = "0.4"
    result = importer.import_commitments(db, path=_write_csv(tmp_path / "k.csv", [row]))
    assert result.updated == ["kent-1"]
    assert service.get_commitment(db, ref="kent-1")["links"] == items[0]["links"]
    assert service.history(db, ref="kent-1")[-1]["action"] == "target moved"
    # a hand-made CSV without the column keeps the notes held
    del row["link_notes"]
    row["target_value"] = "0.41"
    path = tmp_path / "plain.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=[c for c in schemas.CSV_COLUMNS
                                                if c != "link_notes"])
        writer.writeheader()
        writer.writerow(row)
    importer.import_commitments(db, path=path)
    assert service.get_commitment(db, ref="kent-1")["links"] == items[0]["links"]
    # more notes than links is refused, naming the row and column
    row.update(link_notes="a\nb\nc\nd", target_value="0.42")
    with pytest.raises(InputError) as err:
        importer.import_commitments(db, path=_write_csv(tmp_path / "bad.csv", [row]))
    assert [(p.row, p.column) for p in err.value.problems] == [(2, "link_notes")]


def test_a_problem_in_a_yaml_file_names_its_line(db, tmp_path):
    path = tmp_path / "kent.yaml"
    path.write_text(
        "commitments:\n"                                  # 1
        "  - force: Kent\n"                               # 2
        "    title: Half of new sergeants are women\n"    # 3
        "    theme: middle management\n"                  # 4
        "    made: 2023-04-01\n"                          # 5
        "    indicators:\n"                               # 6
        "      - kind: representation\n"                  # 7
        "        params: {group: sergeant}\n"             # 8
        "        baseline_year: 2023\n"                   # 9
        "        target_value: 40\n"                      # 10
        "        target_date: 2027-03-31\n"               # 11
        "  - force: Atlantis\n"                           # 12
        "    title: Second\n"                             # 13
        "    made: 2023-04-01\n", encoding="utf-8")       # 14
    with pytest.raises(InputError) as err:
        importer.import_commitments(db, path=path)
    found = {(p.row, p.column) for p in err.value.problems}
    assert found == {(10, "commitments[1].indicators[1].target_value"),
                     (12, "commitments[2].force"), (12, "commitments[2].theme")}
    assert [c for c in service.list_commitments(db) if c["scope"] == "force"] == []

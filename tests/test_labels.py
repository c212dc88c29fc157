"""User label files in every supported format, and errors that name file and line."""

import json

import pytest

from pipeline.errors import LabelFileError
from pipeline.labels import export_uncertain, label_files_in, read_label_files


def test_csv_and_jsonl(tmp_path):
    (tmp_path / "a.csv").write_text("text,label,design\nWalking may help,hedged,experimental\n")
    (tmp_path / "b.jsonl").write_text(json.dumps({"text": "Tea cures colds", "label": "Overstated"}) + "\n\n")
    rows = read_label_files(label_files_in([tmp_path]))
    assert [(r["text"], r["label"]) for r in rows] == [("Walking may help", "hedged"), ("Tea cures colds", "overstated")]
    assert rows[0]["design"] == "experimental"


def test_prodigy_label_studio_doccano(tmp_path):
    prodigy = tmp_path / "p.jsonl"
    prodigy.write_text(
        json.dumps({"text": "X may help", "label": "hedged", "answer": "accept"}) + "\n"
        + json.dumps({"text": "Y cures", "label": "overstated", "answer": "reject"}) + "\n"
        + json.dumps({"text": "Z linked to W", "accept": ["supported"], "answer": "accept"}) + "\n"
    )
    studio = tmp_path / "s.json"
    studio.write_text(json.dumps([{"data": {"text": "Q prevents R"},
                                   "annotations": [{"result": [{"value": {"choices": ["overstated"]}}]}]}]))
    doccano = tmp_path / "d.jsonl"
    doccano.write_text(json.dumps({"text": "S is associated with T", "label": ["supported"]}) + "\n")
    rows = read_label_files([prodigy, studio, doccano])
    assert [(r["text"], r["label"]) for r in rows] == [
        ("X may help", "hedged"), ("Z linked to W", "supported"), ("Q prevents R", "overstated"),
        ("S is associated with T", "supported"),
    ]


def test_every_bad_row_is_reported_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok", "label": "hedged"}\n{"text": "", "label": "hedged"}\nnot json\n'
                   '{"text": "x", "label": "maybe"}\n')
    with pytest.raises(LabelFileError) as info:
        read_label_files([bad])
    problems = info.value.problems
    assert [p.split(": ")[0] for p in problems] == [f"{bad}:2", f"{bad}:3", f"{bad}:4"]
    assert "maybe" in problems[2]


def test_export_uncertain_writes_least_sure_first(tmp_path):
    claims = [
        {"claim_id": "a", "text": "sure", "proba": {"hedged": 0.9, "supported": 0.05, "overstated": 0.05}},
        {"claim_id": "b", "text": "unsure", "proba": {"hedged": 0.4, "supported": 0.35, "overstated": 0.25}},
    ]
    out = tmp_path / "todo.csv"
    assert export_uncertain(claims, out, 1) == 1
    rows = out.read_text().splitlines()
    assert len(rows) == 2 and rows[1].startswith("b,unsure,")
    # an exported to-do file with blank labels trains nothing and raises nothing
    assert read_label_files([out]) == []


def test_exported_cells_cannot_run_as_spreadsheet_formulas(tmp_path):
    claims = [{"claim_id": "a", "text": "=HYPERLINK(\"http://x\")", "source": "@evil",
               "proba": {"hedged": 0.4, "supported": 0.3, "overstated": 0.3}}]
    out = tmp_path / "todo.csv"
    export_uncertain(claims, out, 5)
    row = out.read_text().splitlines()[1]
    assert "'=HYPERLINK" in row and "'@evil" in row
    out.write_text(out.read_text().replace(",\n", ",hedged\n"))
    assert read_label_files([out])[0]["text"].startswith("=HYPERLINK")

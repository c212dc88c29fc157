"""Numbers found by pipeline.numbers.find_numbers."""

import pytest

from pipeline.numbers import find_numbers


def _one(text):
    found = find_numbers(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text, number, value, unit", [
    ("It helped over 60% of patients.", "over 60%", 60.0, "%"),
    ("About 60 per cent of adults sleep badly.", "About 60 per cent", 60.0, "%"),
    ("Risk fell by 3 percentage points.", "3 percentage points", 3.0, "percentage points"),
    ("Six in ten doctors agreed.", "Six in ten", 0.6, "ratio"),
    ("Migraine affects one in seven adults.", "one in seven", round(1 / 7, 6), "ratio"),
    ("Half of the patients improved.", "Half", 0.5, "fraction"),
    ("Two-thirds of the volunteers dropped out.", "Two-thirds", round(2 / 3, 6), "fraction"),
    ("The risk doubled in smokers.", "doubled", 2.0, "times"),
    ("Smokers were three times as likely to fall ill.", "three times", 3.0, "times"),
    ("A 2.5-fold rise was seen.", "2.5-fold", 2.5, "times"),
    ("The study followed 2,000 people.", "2,000 people", 2000.0, "people"),
    ("It enrolled 400 healthy adults.", "400 healthy adults", 400.0, "adults"),
    ("Only two small trials exist.", "Only two small trials", 2.0, "trials"),
    ("Thousands of patients were treated.", "Thousands of patients", None, "patients"),
    ("Blood pressure fell by 8 mmHg.", "8 mmHg", 8.0, "mmHg"),
    ("Each tablet holds 10mg of the drug.", "10mg", 10.0, "mg"),
    ("Participants lost 4 kg on average.", "4 kg", 4.0, "kg"),
    ("The course lasts 12 weeks.", "12 weeks", 12.0, "weeks"),
    ("A dose costs $1,200 in the US.", "$1,200", 1200.0, "$"),
    ("The NHS spent £3.5 million on it.", "£3.5 million", 3_500_000.0, "£"),
    ("Some 1.5 million deaths were recorded.", "Some 1.5 million deaths", 1_500_000.0, "deaths"),
    # a whole number and a fraction is one number, not "a half"
    ("Vapers were two and a half times as likely to start smoking.", "two and a half times", 2.5, "times"),
    ("The risk rose one and a half fold.", "one and a half fold", 1.5, "times"),
    ("Patients slept 6 and a half hours a night.", "6 and a half hours", 6.5, "hours"),
    ("It affects three and a quarter million people.", "three and a quarter million people", 3_250_000.0, "people"),
])
def test_kinds(text, number, value, unit):
    found = _one(text)
    assert found["text"] == number
    assert found["value"] == value
    assert found["unit"] == unit
    assert text[found["start_char"]:found["end_char"]] == number


def test_from_to_gives_two_numbers():
    text = "The rate rose from 2% to 4% over a decade."
    found = find_numbers(text)
    assert [(f["text"], f["value"], f["unit"]) for f in found] == [("2%", 2.0, "%"), ("4%", 4.0, "%")]
    shared = find_numbers("from 2 to 4 per cent")
    assert [(f["text"], f["value"], f["unit"]) for f in shared] == [("2", 2.0, "%"), ("4 per cent", 4.0, "%")]


def test_offset_and_order():
    text = "Of 300 patients, 20% had side effects."
    found = find_numbers(text, offset=100)
    assert [f["start_char"] for f in found] == [100 + text.index("300"), 100 + text.index("20%")]
    for f in found:
        assert text[f["start_char"] - 100:f["end_char"] - 100] == f["text"]


@pytest.mark.parametrize("text", [
    "In May 2026 the results were published.",
    "The phase 3 trial was double-blind.",
    "Published 3 March.",
    "",
    "No numbers here at all.",
])
def test_no_numbers(text):
    assert find_numbers(text) == []

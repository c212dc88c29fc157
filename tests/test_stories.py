"""Stories: manifest, the story field, automatic grouping by content (pipeline/stories.py)."""

import json

import pytest

from pipeline.errors import InputError
from pipeline.stories import assign_stories, read_manifest, slug

WALK = ("Brisk walking for thirty minutes a day lowered blood pressure in adults with mild hypertension, "
        "according to the STRIDE trial of walking and blood pressure at Riverton University.")
WALK2 = ("Thirty minutes of brisk daily walking lowered blood pressure in the STRIDE walking trial; "
         "adults with mild hypertension saw their blood pressure fall, Riverton University said.")
FISH = ("Fish oil capsules taken with meals reduced triglyceride levels in adults with obesity in a "
        "twelve-week trial of omega-3 supplements at a Nordic diabetes clinic.")
FISH2 = ("Omega-3 fish oil capsules cut triglyceride levels in obese adults, a twelve-week supplement "
         "trial at a Nordic diabetes clinic found.")


def art(aid, text, **kw):
    return {"article_id": aid, "text": text, "title": kw.pop("title", ""), "kind": kw.pop("kind", "news"), **kw}


def test_manifest_csv_and_json(tmp_path):
    csv = tmp_path / "stories.csv"
    csv.write_text("# which article is which story\narticle,story\nnews-a.html,walk\n\nhttps://x.example/b,fish\n",
                   encoding="utf-8")
    assert read_manifest(csv) == {"news-a.html": "walk", "https://x.example/b": "fish"}
    js = tmp_path / "stories.json"
    js.write_text(json.dumps({"a1": "walk", "a2": "fish"}), encoding="utf-8")
    assert read_manifest(js) == {"a1": "walk", "a2": "fish"}
    js.write_text(json.dumps([{"article": "a1", "story": "walk"}]), encoding="utf-8")
    assert read_manifest(js) == {"a1": "walk"}


def test_bad_manifests_name_the_problem(tmp_path):
    bad = tmp_path / "s.csv"
    bad.write_text("id,name\na,b\n", encoding="utf-8")
    with pytest.raises(InputError, match="`article` and `story`"):
        read_manifest(bad)
    bad.write_text("article,story\na,\n,b\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2: .*line 3: "):
        read_manifest(bad)
    bad = tmp_path / "s.json"
    bad.write_text("{broken", encoding="utf-8")
    with pytest.raises(InputError, match="broken JSON"):
        read_manifest(bad)
    with pytest.raises(InputError, match="cannot read"):
        read_manifest(tmp_path / "missing.csv")


def test_manifest_beats_story_field_beats_automatic_grouping():
    articles = [art("a", WALK, path="in/news-a.html"), art("b", WALK2, story="given"),
                art("c", FISH, title="Fish oil cuts triglycerides"), art("d", FISH2), art("e", WALK2, url="https://e.x/1")]
    story = assign_stories(articles, manifest={"news-a.html": "from-manifest", "https://e.x/1": "from-manifest"},
                           threshold=0.1)
    assert story == {"a": "from-manifest", "b": "given", "c": "fish-oil-cuts-triglycerides",
                     "d": "fish-oil-cuts-triglycerides", "e": "from-manifest"}


def test_automatic_grouping_separates_findings_and_is_deterministic():
    articles = [art("w1", WALK, title="Walking lowers blood pressure"), art("f1", FISH, kind="press_release",
                title="Omega-3 trial"), art("w2", WALK2), art("f2", FISH2, title="Fish oil news")]
    story = assign_stories(articles, threshold=0.1)
    assert story["w1"] == story["w2"] == "walking-lowers-blood-pressure"
    assert story["f1"] == story["f2"] == "omega-3-trial"  # named after the press release, the better source
    assert assign_stories(list(reversed(articles)), threshold=0.1) == story
    # a very high threshold leaves every article alone; names stay unique
    alone = assign_stories([art("x", WALK, title="Same"), art("y", FISH, title="Same")], threshold=0.99)
    assert alone == {"x": "same", "y": "same-2"}


def test_reference_without_story_joins_its_closest_story():
    articles = [art("n1", WALK, story="walk"), art("n2", FISH, story="fish"),
                art("ref", FISH2, kind="news", meta={"reference": True})]
    assert assign_stories(articles, threshold=0.9)["ref"] == "fish"


def test_slug():
    assert slug("Café: 30% fewer  strokes!") == "cafe-30-fewer-strokes"
    assert slug("") == "story" and len(slug("word " * 40)) <= 60

"""Training rows from the public corpora, labelled by the codebook's mapping rules (CODEBOOK.md §5).

Every loader returns a DataFrame with the columns of ``COLUMNS``:
text, context, design (observational | experimental | unknown), strength (0-3 or NA),
label (hedged | supported | overstated or NA), study (the id to split by), corpus, role.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.errors import DataError

COLUMNS = ["text", "context", "design", "strength", "label", "study", "corpus", "role"]

# InSciOut causal codes: 0 no statement, 1 explicit no relation, 2 correlational, 3 ambiguous,
# 4 conditional causal, 5 "can", 6 direct causal.
INSCIOUT_STRENGTH = {0: 0, 1: 0, 2: 1, 3: 1, 4: 2, 5: 3, 6: 3}
INSCIOUT_NONHUMAN_SAMPLE = 3  # sample_code of a study on animals or cells
INSCIOUT_HUMAN_SAMPLE = 1
YU_DESIGNS = {
    "RCT": "experimental",
    "Prospective": "observational",
    "Retrospective": "observational",
    "Case-Control": "observational",
    "Cross-Sectional": "observational",
    "Case-Control/Cross-Sectional": "observational",
    "Case-Control/Retrospective": "observational",
}
DEV_SAMPLE = "trial_data"  # InSciOut studies reserved for development figures


def file_sha256(path: Path) -> str:
    """sha256 of a file, for model cards and DVC-like provenance."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _need(data_dir: Path, rel: str) -> Path:
    path = Path(data_dir) / rel
    if not path.is_file():
        raise DataError(
            f"{path}: corpus file not found. Point --data-dir (or $CLAIMCHECK_DATA_DIR, or data_dir in "
            "params.yaml) at the folder holding the shared datasets."
        )
    return path


def label_from_strength(strength: int, design: str, nonhuman_as_human: bool = False) -> str | None:
    """The codebook label of a finding of this strength (0-3) about a study of this design."""
    if strength is None or strength == 0:
        return None
    if nonhuman_as_human:
        return "overstated"
    if strength == 2:
        return "hedged"
    if strength == 1:
        return "supported"
    if design == "experimental":
        return "supported"
    if design == "observational":
        return "overstated"
    return None


def background_or(label: str | None, strength: int) -> str | None:
    """A Yu et al. sentence that states no relation (strength 0) is background: supported (6.1)."""
    return "supported" if strength == 0 else label


def insciout_statements(data_dir: Path):
    """InSciOut title and main statements of journal articles, press releases and news."""
    import pandas as pd

    df = pd.read_csv(_need(data_dir, "insciout/statements.csv"))
    df = df[df["text"].notna() & (df["text"].astype(str).str.strip() != "")].copy()
    ja = df[df["source_category"] == "JA"].groupby("reference")["sample_code"].agg(
        lambda s: s.mode().iloc[0] if len(s.mode()) else None
    )
    df["design_n"] = df["design"].map({"observational": "observational", "experimental": "experimental"}).fillna(
        "unknown"
    )
    df["strength"] = df["causal_code"].map(INSCIOUT_STRENGTH)
    study_nonhuman = df["reference"].map(ja) == INSCIOUT_NONHUMAN_SAMPLE
    mismatch = study_nonhuman & (df["sample_code"] == INSCIOUT_HUMAN_SAMPLE) & (df["source_category"] != "JA")
    labels = [
        label_from_strength(int(s), d, bool(m)) if s == s else None
        for s, d, m in zip(df["strength"], df["design_n"], mismatch)
    ]
    out = pd.DataFrame(
        {
            "text": df["text"].astype(str).str.strip(),
            "context": "",
            "design": df["design_n"],
            "strength": df["strength"].astype("Int64"),
            "label": labels,
            "study": "insciout:" + df["reference"].str.replace(r"^[a-z_]+-", "", regex=True),
            "corpus": "insciout:" + df["sample"],
            "role": df["source_category"] + ":" + df["field"],
        }
    )
    out["nonhuman_study"] = study_nonhuman.values
    out["causal_code"] = df["causal_code"].values
    return out.reset_index(drop=True)


def yu_pubmed(data_dir: Path):
    """Yu et al. PubMed conclusion sentences with strength and the paper's study design."""
    import pandas as pd

    df = pd.read_csv(_need(data_dir, "yu2020/pubmed_strength_x_design.csv"))
    design = df["design"].map(YU_DESIGNS).fillna("unknown")
    strength = df["yu_strength_label"].astype(int)
    return pd.DataFrame(
        {
            "text": df["sentence"].astype(str).str.strip(),
            "context": "",
            "design": design,
            "strength": strength.astype("Int64"),
            "label": [background_or(label_from_strength(int(s), d), int(s)) for s, d in zip(strength, design)],
            "study": "pmid:" + df["pmid"].astype(str).str.split(";").str[0].str.replace(r"\.0$", "", regex=True),
            "corpus": "yu:pubmed",
            "role": "abstract",
        }
    )


def yu_eureka(data_dir: Path):
    """Yu et al. press-release headlines and leads (no design: causal ones get no label)."""
    import pandas as pd

    df = pd.read_csv(_need(data_dir, "yu2020/annotated_eureka.csv"))
    strength = df["label"].astype(int)
    return pd.DataFrame(
        {
            "text": df["sentence"].astype(str).str.strip(),
            "context": "",
            "design": "unknown",
            "strength": strength.astype("Int64"),
            "label": [background_or(label_from_strength(int(s), "unknown"), int(s)) for s in strength],
            "study": "pmid:" + df["sentId"].astype(str).str.split("-").str[0],
            "corpus": "yu:eureka",
            "role": "press_release",
        }
    )


def pei_jurgens(data_dir: Path):
    """Pei & Jurgens findings rated <= 3 for certainty: hedged (higher ratings carry no 3-way label)."""
    import pandas as pd

    df = pd.read_json(_need(data_dir, "pei-jurgens/sentence-level-certainty.jsonl"), lines=True)
    df = df[df["sentence-level-certainty"] <= 3]
    return pd.DataFrame(
        {
            "text": df["finding"].astype(str).str.strip(),
            "context": "",
            "design": "unknown",
            "strength": pd.array([pd.NA] * len(df), dtype="Int64"),
            "label": "hedged",
            "study": "pei:" + df["id"].astype(str),
            "corpus": "pei-jurgens",
            "role": df["split"].astype(str),
        }
    )


def exaggeration_pairs(data_dir: Path):
    """Wright & Augenstein press-release / abstract conclusion pairs with both strengths."""
    import pandas as pd

    return pd.read_json(_need(data_dir, "exaggeration/pairs_train.jsonl"), lines=True)


LOADERS = {
    "insciout": insciout_statements,
    "yu_pubmed": yu_pubmed,
    "yu_eureka": yu_eureka,
    "pei_jurgens": pei_jurgens,
}
CORPUS_FILES = (
    "insciout/statements.csv",
    "yu2020/pubmed_strength_x_design.csv",
    "yu2020/annotated_eureka.csv",
    "pei-jurgens/sentence-level-certainty.jsonl",
)


def load_corpora(data_dir: Path, names=None):
    """All training rows of the named corpora (default: all), one DataFrame."""
    import pandas as pd

    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataError(
            f"{data_dir}: data directory not found. Give --data-dir, set $CLAIMCHECK_DATA_DIR, "
            "or set data_dir in params.yaml."
        )
    frames = [LOADERS[name](data_dir) for name in (names or LOADERS)]
    df = pd.concat(frames, ignore_index=True)
    missing = df["study"].isna()
    if missing.any():  # a row without a study id is its own study
        df.loc[missing, "study"] = [
            "text:" + hashlib.sha1(t.encode("utf-8")).hexdigest()[:12] for t in df.loc[missing, "text"]
        ]
    if "nonhuman_study" not in df:
        df["nonhuman_study"] = False
    df["nonhuman_study"] = df["nonhuman_study"].fillna(False).astype(bool)
    return df

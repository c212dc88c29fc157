"""The verdict: the only code that writes a claim's label, proba, strength, abstain, reason and
relation (``judge``), the model that decides it (``estimator``), what it learns from (``data``),
the codebook rules it reads (``rules``) and the reasons it gives (``reasons``)."""

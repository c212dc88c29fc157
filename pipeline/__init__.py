"""claimcheck: offline checking of health claims in articles (hedged, supported, overstated)."""

__version__ = "0.1.0"

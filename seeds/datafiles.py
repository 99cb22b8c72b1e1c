"""Where the demo data lives: JSON files in seeds/data/ and shipped media in seeds/media/."""

import json
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent
DATA_DIR = SEEDS_DIR / "data"
MEDIA_DIR = SEEDS_DIR / "media"


def load(name):
    """The parsed contents of ``seeds/data/<name>.json``."""
    return json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))

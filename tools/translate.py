"""Fill msgstr in the four catalogues from a JSON file of {msgid: {lang: text}}
(a [singular, plural] list for plural messages).

    python tools/translate.py translations.json

Used when adding strings: run makemessages, write the new translations into a JSON file,
apply them with this script, then check `make test` (it fails on anything untranslated).
"""

import json
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def main(path: str) -> int:
    translations = json.loads(Path(path).read_text(encoding="utf-8"))
    for language in ("da", "sv", "fi", "nb"):
        catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
        for entry in catalogue:
            text = translations.get(entry.msgid, {}).get(language)
            if text:
                if isinstance(text, list):  # plural forms: [singular, plural]
                    entry.msgstr_plural = dict(enumerate(text))
                else:
                    entry.msgstr = text
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                entry.previous_msgid = entry.previous_msgid_plural = None
        catalogue.save()
        left = [entry.msgid for entry in catalogue.untranslated_entries()]
        print(f"{language}: {len(left)} untranslated", *left[:5], sep="\n  " if left else " ")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

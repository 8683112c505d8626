"""The seed articles shipped with Schakel: Markdown files with a small front-matter block.

A file looks like this (lists are comma-separated; `[nl]` and `[en]` start the two texts)::

    ---
    slug: meldcode
    title_nl: De meldcode ...
    title_en: The reporting code ...
    summary_nl: ...
    summary_en: ...
    forms: sexual, labour
    roles: frontline
    target_groups: minor
    topics: meldcode
    review_months: 12
    ---
    [nl]
    Markdown in Dutch ...
    [en]
    Markdown in English ...
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent / "content"
KEYS = frozenset(
    {
        "slug",
        "title_nl",
        "title_en",
        "summary_nl",
        "summary_en",
        "forms",
        "roles",
        "target_groups",
        "topics",
        "review_months",
        "public",
    }
)
LIST_KEYS = ("forms", "roles", "target_groups", "topics")


class SeedFormatError(ValueError):
    pass


@dataclass(frozen=True)
class SeedArticle:
    slug: str
    title_nl: str
    title_en: str
    summary_nl: str
    summary_en: str
    body_nl: str
    body_en: str
    forms: tuple[str, ...]
    roles: tuple[str, ...]
    target_groups: tuple[str, ...]
    topics: tuple[str, ...]
    review_months: int
    public: bool = True  # shipped articles come from public sources


def _front_matter(lines: list[str], name: str) -> tuple[dict[str, str], list[str]]:
    if not lines or lines[0].strip() != "---":
        raise SeedFormatError(f"{name}: the file must start with a '---' line.")
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
    except StopIteration:
        raise SeedFormatError(f"{name}: the front matter has no closing '---' line.") from None
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or key not in KEYS:
            raise SeedFormatError(f"{name}: unknown front-matter line {line!r}.")
        meta[key] = value.strip()
    return meta, lines[end + 1 :]


def _bodies(lines: list[str], name: str) -> dict[str, str]:
    bodies: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        marker = line.strip()
        if marker in ("[nl]", "[en]"):
            current = bodies.setdefault(marker[1:3], [])
        elif current is not None:
            current.append(line)
        elif line.strip():
            raise SeedFormatError(f"{name}: text before the first [nl] or [en] marker.")
    if "nl" not in bodies:
        raise SeedFormatError(f"{name}: the Dutch text ([nl]) is missing.")
    return {language: "\n".join(text).strip() + "\n" for language, text in bodies.items()}


def parse_seed_article(text: str, name: str = "article") -> SeedArticle:
    meta, rest = _front_matter(text.splitlines(), name)
    for required in ("slug", "title_nl"):
        if not meta.get(required):
            raise SeedFormatError(f"{name}: '{required}' is missing from the front matter.")
    bodies = _bodies(rest, name)
    lists = {
        key: tuple(v.strip() for v in meta.get(key, "").split(",") if v.strip())
        for key in LIST_KEYS
    }
    try:
        review_months = int(meta.get("review_months") or 12)
    except ValueError:
        raise SeedFormatError(f"{name}: review_months must be a whole number.") from None
    return SeedArticle(
        slug=meta["slug"],
        title_nl=meta["title_nl"],
        title_en=meta.get("title_en", ""),
        summary_nl=meta.get("summary_nl", ""),
        summary_en=meta.get("summary_en", ""),
        body_nl=bodies["nl"],
        body_en=bodies.get("en", ""),
        review_months=review_months,
        public=meta.get("public", "yes").strip().lower() not in ("no", "false"),
        **lists,
    )


def seed_articles(folder: Path = CONTENT_DIR) -> list[SeedArticle]:
    return [
        parse_seed_article(path.read_text(encoding="utf-8"), path.name)
        for path in sorted(folder.glob("*.md"))
    ]

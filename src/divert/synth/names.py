"""Invented names for invented people and places.

Every name is put together from the small invented syllable lists below, never drawn from
a list of real people, so nobody can mistake a synthetic record for a real child. The
combinations read as names ("Corveth Dapplethorne") but are meant to look made up.
"""

from __future__ import annotations

import random

FIRST_START = (
    "Al",
    "Bry",
    "Cor",
    "Dar",
    "El",
    "Fen",
    "Gwy",
    "Hal",
    "Isk",
    "Jor",
    "Kel",
    "Lor",
    "Mab",
    "Nel",
    "Or",
    "Per",
    "Quin",
    "Ros",
    "Sel",
    "Tam",
    "Ul",
    "Ves",
    "Wyn",
    "Yor",
    "Zel",
    "Bel",
    "Cae",
    "Dov",
    "Ember",
    "Fal",
)
FIRST_END_F = ("a", "ine", "eth", "ia", "elle", "ora", "ys", "wen", "issa", "andra")
FIRST_END_M = ("an", "ric", "dor", "wyn", "ek", "ol", "us", "veth", "arn", "iel")
SURNAME_START = (
    "Brackle",
    "Cindle",
    "Dapple",
    "Fennick",
    "Glimmer",
    "Hobble",
    "Juniper",
    "Kettle",
    "Mossy",
    "Nimble",
    "Pebble",
    "Quill",
    "Rustle",
    "Sorrel",
    "Tumble",
    "Wimble",
    "Bramble",
    "Larkspur",
    "Thistle",
    "Willow",
    "Acorn",
    "Bellows",
    "Crumble",
    "Drizzle",
    "Furrow",
    "Gorse",
    "Heather",
    "Inkle",
    "Marrow",
    "Nettle",
)
SURNAME_END = (
    "by",
    "wick",
    "thorpe",
    "combe",
    "stead",
    "ford",
    "holt",
    "mere",
    "thorne",
    "well",
    "ridge",
    "dale",
)
PLACE_WORDS = (
    "Brambleholt",
    "Cindlemere",
    "Dapplecombe",
    "Fennick",
    "Glimmerdale",
    "Hobbleford",
    "Juniper",
    "Kettlewell",
    "Larkspur",
    "Mossyridge",
    "Nimblethorpe",
    "Pebblestead",
    "Quillby",
    "Rustlewick",
    "Sorrelthorne",
    "Thistledale",
    "Willowmere",
    "Acornby",
    "Bellowsford",
    "Gorseholt",
    "Heatherwick",
)


def first_name(rng: random.Random, sex: str) -> str:
    ends = FIRST_END_F if sex == "F" else FIRST_END_M if sex == "M" else FIRST_END_F + FIRST_END_M
    return rng.choice(FIRST_START) + rng.choice(ends)


def surname(rng: random.Random) -> str:
    return rng.choice(SURNAME_START) + rng.choice(SURNAME_END)


def full_name(rng: random.Random, sex: str = "U") -> str:
    return f"{first_name(rng, sex)} {surname(rng)}"


def place_word(rng: random.Random) -> str:
    """An invented place-like word for provider names ("Thistledale House")."""
    return rng.choice(PLACE_WORDS)

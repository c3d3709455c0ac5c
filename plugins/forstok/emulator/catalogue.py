"""Deterministic, realistic Indonesian catalogues for the emulator (``seed_catalogue``)."""

from __future__ import annotations

import random
from typing import Any

_GOODS = (
    ("Kemeja Batik", ("Katun", "Sutra", "Tulis", "Cap")),
    ("Kaos Polos", ("Cotton Combed 30s", "Oversize", "Lengan Panjang")),
    ("Celana Chino", ("Slim Fit", "Regular", "Pendek")),
    ("Hijab Segi Empat", ("Voal", "Paris", "Bella Square")),
    ("Gamis Syari", ("Jersey", "Wolfis", "Crinkle")),
    ("Sandal Jepit", ("Karet", "Anyaman")),
    ("Tas Selempang", ("Kulit Sintetis", "Kanvas")),
    ("Kopi Bubuk", ("Arabika Gayo", "Robusta Lampung", "Toraja Kalosi")),
    ("Keripik Singkong", ("Balado", "Original", "Pedas Manis")),
    ("Sambal Bawang", ("Level 3", "Level 5")),
    ("Madu Hutan", ("Sumbawa", "Kalimantan")),
    ("Minyak Kayu Putih", ("Cap Lang", "Aromaterapi")),
)
_OPTIONS = (
    ("Merah", "Hitam", "Putih", "Navy", "Maroon", "Sage"),
    ("S", "M", "L", "XL"),
    ("100g", "250g", "500g", "1kg"),
)
_PRICES = (15000, 25000, 35000, 49900, 65000, 89000, 125000, 159000, 199000, 249000)


def generate(count: int, seed: int = 0) -> list[tuple[str, list[dict[str, Any]]]]:
    """Return ``count`` ``(product name, variants)`` pairs with 1-4 variants each.

    Variants are in ``add_product``'s shape (``sku``, ``name``, ``price``); the same seed
    gives the same catalogue.
    """
    rng = random.Random(seed)
    catalogue = []
    for number in range(1, count + 1):
        kind, styles = _GOODS[rng.randrange(len(_GOODS))]
        name = f"{kind} {rng.choice(styles)}"
        options = rng.sample(_OPTIONS[rng.randrange(len(_OPTIONS))], rng.randint(1, 4))
        base = rng.choice(_PRICES)
        code = "".join(word[0] for word in kind.split()).upper()
        catalogue.append((name, [
            {"sku": f"{code}-{seed:02d}{number:04d}-{index + 1}", "name": f"{name} - {option}",
             "price": f"{base + index * 5000}.00"}
            for index, option in enumerate(options)]))
    return catalogue

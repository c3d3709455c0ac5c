"""Deterministic, realistic Indonesian catalogue data for the emulator's ``seed_catalogue``."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

_PRODUCTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # (product word, SKU prefix, option family)
    ("Kaos Polos Katun Combed 30s", "KAOS", ("Hitam", "Putih", "Navy", "Abu-abu")),
    ("Kemeja Batik Pria Lengan Panjang", "BATIK", ("M", "L", "XL", "XXL")),
    ("Kerudung Segi Empat Voal", "KRDG", ("Mocca", "Dusty Pink", "Sage", "Hitam")),
    ("Kopi Arabika Gayo Biji Sangrai", "KOPI", ("250g", "500g", "1kg")),
    ("Sambal Bawang Pedas Botol", "SMBL", ("Original", "Extra Pedas", "Cumi")),
    ("Keripik Singkong Balado", "KRPK", ("100g", "250g", "500g")),
    ("Sandal Jepit Karet Anti Slip", "SNDL", ("39", "40", "41", "42")),
    ("Tas Selempang Kanvas Wanita", "TAS", ("Hitam", "Coklat", "Krem")),
    ("Madu Hutan Sumbawa Asli", "MADU", ("250ml", "500ml", "1 liter")),
    ("Sabun Cuci Piring Jeruk Nipis", "SABUN", ("Refill 800ml", "Botol 400ml")),
    ("Rice Cooker Digital 1,8 Liter", "RICE", ("Putih", "Merah")),
    ("Celana Jeans Slim Fit Pria", "JEANS", ("28", "30", "32", "34")),
    ("Mukena Katun Rayon Bali", "MKNA", ("Biru", "Ungu", "Hijau Mint")),
    ("Teh Melati Tubruk Wangi", "TEH", ("50g", "100g")),
    ("Minyak Kayu Putih Cap Lang", "MKP", ("60ml", "120ml", "210ml")),
    ("Powerbank 10000mAh Fast Charging", "PWRB", ("Hitam", "Putih")),
)
_ADJECTIVES = ("Premium", "Original", "Murah", "Grosir", "Best Seller", "Kualitas Ekspor",
               "Terlaris", "Promo", "Asli Lokal", "Edisi Terbatas")


@dataclass(frozen=True, slots=True)
class SeedVariant:
    """One variant to add: SKU, option value, price, whether an action is pending."""

    sku: str
    option: str
    price: Decimal
    pending_action: bool


@dataclass(frozen=True, slots=True)
class SeedProduct:
    """One master product to add with its variants."""

    name: str
    variants: tuple[SeedVariant, ...]


def seed_products(count: int, seed: int = 0, start: int = 0) -> Iterator[SeedProduct]:
    """Yield products with 1-4 variants each until exactly ``count`` SKUs were produced.

    Args:
        count: how many SKUs (variants) to produce.
        seed: the random seed; the same seed gives the same catalogue.
        start: products already numbered, so a second call never repeats a SKU.
    """
    rng = random.Random(seed)
    produced, number = 0, start
    while produced < count:
        number += 1
        word, prefix, options = rng.choice(_PRODUCTS)
        wanted = min(rng.randint(1, min(4, len(options))), count - produced)
        chosen = options[:wanted] if wanted > 1 else ()
        base_price = Decimal(rng.randint(5, 600) * 500)
        variants = tuple(
            SeedVariant(sku=f"{prefix}-{seed:02d}{number:06d}-{index + 1}",
                        option=option, price=base_price + 1000 * index,
                        pending_action=rng.random() < 0.01)
            for index, option in enumerate(chosen or ("",))
        )
        produced += len(variants)
        yield SeedProduct(name=f"{word} {rng.choice(_ADJECTIVES)}", variants=variants)

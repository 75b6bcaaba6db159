"""Shoppers: one person may buy on several storefronts.

A person is stored as small integer codes; channels render them in their own formats (a real
email on Shopify, a relay address on Amazon, a masked one on TikTok; E.164 or local phone
formats). That is the mess identity resolution has to undo, and the truth it is scored against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sandbox.world import names

COUNTRIES = ("US", "DE", "GB")
COUNTRY_SHARES = (0.6, 0.2, 0.2)


@dataclass
class People:
    country: np.ndarray  # int8 index into COUNTRIES
    first_name: np.ndarray  # int16 index into names.FIRST_NAMES
    last_name: np.ndarray  # int16 index into names.LAST_NAMES
    email_domain: np.ndarray  # int8
    email_number: np.ndarray  # int32, unique per person
    phone_subscriber: np.ndarray  # int64 national subscriber number
    street: np.ndarray  # int8
    house_number: np.ndarray  # int16
    city: np.ndarray  # int8, index into names.CITIES[country]
    postcode_suffix: np.ndarray  # int16
    loyalty: np.ndarray  # float64, how often this person buys (repeat buyers)

    def __len__(self) -> int:
        return len(self.country)

    def country_code(self, person: int) -> str:
        return COUNTRIES[int(self.country[person])]

    def first(self, person: int) -> str:
        return names.FIRST_NAMES[int(self.first_name[person])]

    def last(self, person: int) -> str:
        return names.LAST_NAMES[int(self.last_name[person])]

    def email(self, person: int) -> str:
        """The person's own address, as a shop that owns the relationship sees it."""
        local = f"{self.first(person)}.{self.last(person)}".lower()
        local = local.replace("ü", "ue").replace("'", "")
        domain = names.EMAIL_DOMAINS[int(self.email_domain[person])]
        return f"{local}{int(self.email_number[person])}@{domain}"

    def phone_e164(self, person: int) -> str:
        country = self.country_code(person)
        return f"{names.PHONE_PREFIX[country]}{int(self.phone_subscriber[person])}"

    def city_of(self, person: int) -> names.City:
        return names.CITIES[self.country_code(person)][int(self.city[person])]

    def street_line(self, person: int) -> str:
        """Street and number in the order the country writes them."""
        country = self.country_code(person)
        street = names.STREETS[country][int(self.street[person])]
        number = int(self.house_number[person])
        return f"{street} {number}" if country == "DE" else f"{number} {street}"

    def postcode(self, person: int) -> str:
        country = self.country_code(person)
        prefix = self.city_of(person).postcode_prefix
        suffix = int(self.postcode_suffix[person])
        if country == "US":
            return f"{prefix}{suffix % 100:02d}"
        if country == "DE":
            return f"{prefix}{suffix % 1000:03d}"
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        return f"{prefix} {suffix % 9 + 1}{letters[suffix % 20]}{letters[(suffix // 20) % 20]}"


def build_people(rng: np.random.Generator, count: int) -> People:
    country = rng.choice(len(COUNTRIES), size=count, p=COUNTRY_SHARES).astype(np.int8)
    # Phone numbers and email numbers are unique per person: identity resolution is scored
    # against the world's truth, so two people must never share a contact by accident.
    rank_in_country = np.zeros(count, np.int64)
    for code in range(len(COUNTRIES)):
        members = np.flatnonzero(country == code)
        rank_in_country[members] = rng.permutation(len(members))
    first_subscriber = np.array(
        [2_012_000_000, 1_510_000_000, 7_400_000_000]
    )  # US, DE mobile, GB mobile
    subscriber_span = np.array([7_000_000_000, 280_000_000, 590_000_000])
    subscriber = first_subscriber[country] + (rank_in_country * 7_919) % subscriber_span[country]
    city_counts = np.array([len(names.CITIES[c]) for c in COUNTRIES])
    street_counts = np.array([len(names.STREETS[c]) for c in COUNTRIES])
    return People(
        country=country,
        first_name=rng.integers(0, len(names.FIRST_NAMES), count).astype(np.int16),
        last_name=rng.integers(0, len(names.LAST_NAMES), count).astype(np.int16),
        email_domain=rng.integers(0, len(names.EMAIL_DOMAINS), count).astype(np.int8),
        email_number=(rng.permutation(count) + 1).astype(np.int32),
        phone_subscriber=subscriber.astype(np.int64),
        street=(rng.integers(0, 1 << 16, count) % street_counts[country]).astype(np.int8),
        house_number=rng.integers(1, 240, count).astype(np.int16),
        city=(rng.integers(0, 1 << 16, count) % city_counts[country]).astype(np.int8),
        postcode_suffix=rng.integers(0, 10_000, count).astype(np.int16),
        loyalty=rng.lognormal(0.0, 1.0, count),
    )

"""Word lists the synthetic world draws people, places and products from.

Kept small and plain on purpose: the world needs plausible, varied strings whose formats differ
by country (postcodes, phone numbers, street-number placement), not a census.
"""

from __future__ import annotations

from dataclasses import dataclass

FIRST_NAMES = (
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Elijah",
    "Sophia",
    "James",
    "Isabella",
    "Lucas",
    "Mia",
    "Mateo",
    "Amelia",
    "Henry",
    "Harper",
    "Leon",
    "Hannah",
    "Felix",
    "Marie",
    "Jonas",
    "Charlotte",
    "Oliver",
    "Grace",
    "George",
    "Freya",
    "Arthur",
    "Lena",
    "Paul",
    "Emily",
    "Finn",
    "Zoe",
    "Maximilian",
    "Chloe",
    "Theo",
    "Ella",
    "Samuel",
    "Lucy",
    "Ben",
    "Ruby",
    "Daniel",
)

LAST_NAMES = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Martinez",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Evans",
    "Roberts",
    "Walker",
    "Wright",
    "Thompson",
    "Hughes",
    "Edwards",
    "Green",
    "Hall",
    "Wood",
    "Clarke",
    "Patel",
    "O'Brien",
    "Nguyen",
    "Kowalski",
    "Rossi",
)

EMAIL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "gmx.de")


@dataclass(frozen=True)
class City:
    """A city with the region code and a postcode pattern of its country."""

    name: str
    region: str
    region_code: str
    postcode_prefix: str


STREETS = {
    "US": (
        "Main Street",
        "Oak Avenue",
        "Maple Drive",
        "Cedar Lane",
        "Pine Street",
        "Elm Road",
        "Washington Blvd",
        "Lake Shore Drive",
        "Sunset Avenue",
        "Park Place",
    ),
    "DE": (
        "Hauptstraße",
        "Bahnhofstraße",
        "Gartenweg",
        "Schillerstraße",
        "Goethestraße",
        "Lindenallee",
        "Kirchplatz",
        "Bergstraße",
        "Mozartstraße",
        "Am Markt",
    ),
    "GB": (
        "High Street",
        "Station Road",
        "Church Lane",
        "Victoria Road",
        "Green Lane",
        "Manor Road",
        "Park Road",
        "Queen Street",
        "Mill Lane",
        "London Road",
    ),
}

CITIES = {
    "US": (
        City("Louisville", "Kentucky", "KY", "402"),
        City("Austin", "Texas", "TX", "787"),
        City("Portland", "Oregon", "OR", "972"),
        City("Denver", "Colorado", "CO", "802"),
        City("Brooklyn", "New York", "NY", "112"),
        City("Chicago", "Illinois", "IL", "606"),
        City("Seattle", "Washington", "WA", "981"),
        City("Miami", "Florida", "FL", "331"),
    ),
    "DE": (
        City("Berlin", "Berlin", "BE", "10"),
        City("München", "Bayern", "BY", "80"),
        City("Hamburg", "Hamburg", "HH", "20"),
        City("Köln", "Nordrhein-Westfalen", "NW", "50"),
        City("Leipzig", "Sachsen", "SN", "04"),
        City("Stuttgart", "Baden-Württemberg", "BW", "70"),
    ),
    "GB": (
        City("London", "England", "ENG", "SW1"),
        City("Manchester", "England", "ENG", "M1"),
        City("Bristol", "England", "ENG", "BS1"),
        City("Leeds", "England", "ENG", "LS1"),
        City("Edinburgh", "Scotland", "SCT", "EH1"),
        City("Cardiff", "Wales", "WLS", "CF1"),
    ),
}

COUNTRY_NAMES = {"US": "United States", "DE": "Germany", "GB": "United Kingdom"}
PHONE_PREFIX = {"US": "+1", "DE": "+49", "GB": "+44"}

PRODUCT_NOUNS = (
    "Trail Runner",
    "Rain Shell",
    "Merino Tee",
    "Canvas Tote",
    "Insulated Bottle",
    "Camp Mug",
    "Wool Beanie",
    "Daypack",
    "Fleece Hoodie",
    "Hiking Sock",
    "Down Vest",
    "Sun Cap",
    "Travel Pouch",
    "Yoga Mat",
    "Trail Shorts",
    "Base Layer",
    "Packable Jacket",
    "Dry Bag",
    "Headlamp",
    "Water Filter",
)
PRODUCT_ADJECTIVES = (
    "Alpine",
    "Coastal",
    "Everyday",
    "Summit",
    "Urban",
    "Nordic",
    "Desert",
    "Harbor",
    "Ridge",
    "Meadow",
)
PRODUCT_TYPES = ("Apparel", "Footwear", "Accessories", "Gear", "Drinkware")
VARIANT_OPTIONS = (
    ("Black", "Navy", "Olive", "Sand", "Red"),
    ("XS", "S", "M", "L", "XL"),
)
VENDOR = "Tributary Outfitters"

"""Word lists for invented names: people, venues, places, producers and brands.

Every name here is made up; the cities and brands exist nowhere, so the demo never looks like it is
talking about a real business.
"""

from __future__ import annotations


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _split(
    "Avery Bianca Carlos Dana Elena Farid Grace Hiro Imani Jonah Keiko Luis Maya Nadia Omar Priya Quinn "
    "Rosa Samir Tessa Umar Vera Wes Ximena Yusuf Zoe Amara Ben Chloe Diego Erin Felix Gabriela Hannah "
    "Ivan Julia Kofi Lena Marco Nora Oscar Paige Rafael Sofia Theo Uma Victor Wendy Yara Zach Adele "
    "Bruno Celia Dmitri Esme Frank Greta Hector Ingrid Jasper Kara Leon Mira Nico Olive Pablo Ruth"
)

LAST_NAMES = _split(
    "Abernathy Baptiste Castellano Dunmore Eriksen Fairweather Galloway Haddad Ishikawa Jovanovic "
    "Kowalczyk Lindqvist Moreau Nakashima Okafor Petrakis Quintero Rasmussen Salazar Thornbury Ulloa "
    "Valentini Whitcombe Xavier Yamamoto Zielinski Ashdown Brennan Carrow Delacroix Everly Fenwick "
    "Gutierrez Holloway Iversen Janssen Kerrigan Lachance Montague Novak Ortega Pemberton Ravenscroft "
    "Stroud Tanaka Underhill Voss Wexford Yardley Alcott Belmonte Cortez Drummond Ellison Fontaine"
)

# Venue names: a pattern per kind of account, filled from the lists below.
ADJECTIVES = _split(
    "Copper Golden Silver Velvet Rustic Crooked Little Salty Hidden Wild Quiet Blue Red Green Iron "
    "Amber Willow Cedar Harbor Foggy Sunny Lucky Old New Brass Stone Painted Wandering Humble Tidal"
)

NOUNS = _split(
    "Table Spoon Fig Olive Anchor Lantern Oak Heron Fox Otter Pear Thistle Barrel Kettle Compass Gull "
    "Juniper Sparrow Plum Saffron Quince Clover Hearth Ember Vine Acorn Orchard Salmon Pine Rook"
)

RESTAURANT_WORDS = ("Kitchen", "Bistro", "Trattoria", "Brasserie", "Eatery", "Grill", "Osteria", "Cantina")
BAR_WORDS = ("Tavern", "Lounge", "Taproom", "Pub", "Bar", "Social Club", "Alehouse", "Cocktail Room")
SHOP_WORDS = ("Wine Shop", "Cellars", "Bottle Shop", "Wine Merchants", "Vintners", "Wine & Cheese")
GROCER_WORDS = ("Market", "Grocery", "Food Co-op", "Fine Foods", "Provisions", "Mercantile")
HOTEL_WORDS = ("Hotel", "Inn", "Lodge", "Resort", "Suites", "Guesthouse")
LIQUOR_WORDS = ("Liquor", "Spirits", "Beverage Depot", "Liquor & Wine")

STREET_NAMES = _split(
    "Alder Birch Cedar Dogwood Elm Fir Hemlock Juniper Laurel Madrona Maple Oak Pine Spruce Willow "
    "Harbor Market Mill Orchard Ridge River Lake Bay Canal Station Union Commerce Front Water Grange"
)
STREET_SUFFIXES = ("St", "Ave", "Way", "Blvd", "Rd", "Ln", "Pl", "Dr")

CONTACT_TITLES = ("Owner", "General Manager", "Beverage Director", "Sommelier", "Bar Manager", "Buyer")

# Producers, varietals and brands for the catalogue.
WINE_PRODUCERS = (
    "Halvorsen Ridge",
    "Castello Varenna",
    "Domaine des Trois Chênes",
    "Bodega Luz del Alba",
    "Kestrel Hollow",
    "Maison Rivelle",
    "Stonecrop Vineyards",
    "Tenuta Solaro",
    "Wildgrass Cellars",
    "Quinta do Vale Escuro",
    "Ashby Creek",
    "Weingut Lindenhof",
    "Pelican Point",
    "Château Montbrise",
    "Blackberry Bench",
    "Cordillera Alta",
)
WINE_STYLES = (
    ("Pinot Noir", 22, 38),
    ("Cabernet Sauvignon", 24, 55),
    ("Chardonnay", 16, 34),
    ("Sauvignon Blanc", 12, 22),
    ("Riesling", 12, 24),
    ("Syrah", 18, 36),
    ("Merlot", 14, 28),
    ("Rosé", 11, 20),
    ("Tempranillo", 14, 30),
    ("Sangiovese", 15, 32),
    ("Pinot Gris", 12, 22),
    ("Brut Sparkling", 16, 45),
    ("Malbec", 12, 26),
    ("Grenache", 15, 30),
)
SPIRIT_BRANDS = (
    "Black Tern",
    "Copper Wren",
    "Old Lantern",
    "Northgate",
    "Saltmarsh",
    "Hollow Pine",
    "Red Fox Distilling",
    "Ironclad",
    "Silver Heron",
    "Dry Creek Still",
)
SPIRIT_STYLES = (
    ("Small Batch Bourbon", 28, 52),
    ("Rye Whiskey", 30, 55),
    ("London Dry Gin", 22, 38),
    ("Barrel Aged Gin", 30, 45),
    ("Vodka", 16, 30),
    ("Blanco Tequila", 26, 48),
    ("Reposado Tequila", 32, 58),
    ("Spiced Rum", 18, 30),
    ("Single Malt 12 Year", 45, 90),
    ("Amaro", 24, 40),
    ("Mezcal", 35, 60),
)
BREWERIES = (
    "Foghorn Brewing",
    "Tidewater Ales",
    "Switchback Brewery",
    "Lost Lantern Beer Co.",
    "Gravel Road Brewing",
    "Mossback Cider",
)
BEER_STYLES = (
    ("Hazy IPA", 38, 52),
    ("West Coast IPA", 36, 50),
    ("Pilsner", 30, 40),
    ("Amber Ale", 30, 42),
    ("Stout", 36, 50),
    ("Sour Ale", 40, 56),
    ("Dry Cider", 32, 44),
    ("Lager", 26, 36),
)
OTHER_PRODUCTS = (
    ("Tonic Water", 18, 26),
    ("Ginger Beer", 20, 28),
    ("Cocktail Bitters", 60, 90),
    ("Alcohol-Free Sparkling", 60, 96),
)

ACTIVITY_SUBJECTS = {
    "call": ("Reorder check-in", "Follow-up on last delivery", "Holiday programme call", "Pricing question"),
    "visit": ("Account visit", "Menu review", "Shelf reset", "New list pitch", "Staff training"),
    "tasting": ("Staff tasting", "New arrivals tasting", "Spirits flight", "Portfolio tasting"),
    "email": ("Sent price list", "Sent new arrivals", "Order confirmation", "Sent tasting notes"),
    "note": ("Buyer changing next month", "Prefers Tuesday deliveries", "Closed for renovation soon"),
}
ACTIVITY_OUTCOMES = {
    "call": ("Placed order", "Will call back Thursday", "No answer, left voicemail", "Asked for samples"),
    "visit": ("Good visit, added two SKUs", "Buyer out, left samples", "Discussed reorder", "Menu change"),
    "tasting": ("Staff loved the Pinot", "Took 3 new SKUs", "Lukewarm, try again", "Ordered a case"),
    "email": ("Opened", "Replied with questions", "No reply yet", "Confirmed"),
    "note": ("", "Noted", "Check again next visit"),
}

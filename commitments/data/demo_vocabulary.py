"""The words demo data is made of: themes, countries, bodies, people, places and how a status moves.

Invented or generic on purpose (no real person is named), so demo data can never be mistaken for
the tracker's curated records.
"""

from __future__ import annotations

from commitments.models import Status

# name, nouns a pledge on the theme is about
THEMES: list[tuple[str, tuple[str, ...]]] = [
    ("Collective defence", ("allied deterrence posture", "forward presence battlegroups", "air policing missions")),
    ("Defence spending", ("defence budgets", "equipment modernisation", "joint procurement")),
    ("Cyber security", ("critical infrastructure protection", "ransomware response", "cyber incident reporting")),
    ("Space security", ("satellite resilience", "space debris mitigation", "space situational awareness")),
    ("Arms control", ("nuclear arms reduction talks", "conventional arms transparency", "export controls")),
    ("Non-proliferation", ("nuclear safeguards", "chemical weapons inspections", "missile technology controls")),
    ("Counter-terrorism", ("terrorist financing controls", "border screening", "online terrorist content removal")),
    ("Violent extremism", ("deradicalisation programmes", "prison radicalisation prevention", "community resilience")),
    (
        "Organised crime",
        ("drug trafficking interdiction", "firearms trafficking controls", "joint investigation teams"),
    ),
    ("Anti-corruption", ("beneficial ownership registers", "asset recovery", "public procurement transparency")),
    ("Money laundering", ("anti-money laundering supervision", "crypto-asset regulation", "sanctions enforcement")),
    ("Child safety online", ("child sexual abuse material removal", "age assurance", "victim identification")),
    (
        "Data access for law enforcement",
        ("cross-border evidence requests", "data access agreements", "mutual legal assistance"),
    ),
    ("Privacy and data protection", ("data protection standards", "encryption policy", "surveillance oversight")),
    ("Climate finance", ("climate finance pledges", "adaptation funding", "green climate fund contributions")),
    ("Emissions reduction", ("greenhouse gas emissions cuts", "methane emissions", "carbon pricing")),
    ("Coal phase-out", ("unabated coal power", "coal financing abroad", "just transition plans")),
    ("Renewable energy", ("offshore wind capacity", "solar deployment", "grid interconnectors")),
    ("Nature and biodiversity", ("protected land and ocean areas", "deforestation", "biodiversity finance")),
    ("Oceans", ("illegal fishing", "marine plastic litter", "ocean observation")),
    ("Global health", ("vaccine doses for low-income countries", "pandemic preparedness", "health system funding")),
    ("Pandemic preparedness", ("disease surveillance networks", "medical countermeasure stockpiles", "early warning")),
    ("Food security", ("emergency food assistance", "fertiliser supply", "agricultural research")),
    ("Development aid", ("official development assistance", "debt relief", "concessional finance")),
    ("Trade", ("tariff reductions", "supply chain resilience", "customs cooperation")),
    ("Critical minerals", ("critical mineral supply", "battery supply chains", "responsible mining")),
    ("Technology standards", ("artificial intelligence safety", "semiconductor supply", "telecoms security")),
    ("Digital economy", ("cross-border data flows", "digital trade rules", "online platform regulation")),
    ("Tax", ("global minimum corporate tax", "tax transparency", "digital services taxation")),
    ("Migration", ("irregular migration routes", "returns agreements", "refugee resettlement")),
    ("Humanitarian assistance", ("humanitarian funding", "access for aid workers", "disaster response")),
    ("Gender equality", ("girls' education", "gender-based violence", "women's economic empowerment")),
    ("Education", ("school enrolment", "teacher training", "scholarship programmes")),
    ("Human rights", ("media freedom", "forced labour in supply chains", "human rights defenders")),
    ("Democracy and governance", ("election integrity", "foreign interference", "independent judiciaries")),
    ("Infrastructure investment", ("quality infrastructure investment", "transport corridors", "port upgrades")),
    ("Energy security", ("gas storage", "energy diversification", "nuclear fuel supply")),
    ("Maritime security", ("freedom of navigation", "piracy", "naval cooperation")),
    ("Research cooperation", ("joint research funding", "researcher mobility", "research security")),
    ("Sanctions", ("targeted sanctions", "sanctions coordination", "frozen assets")),
]

COUNTRIES = [
    "Argentina", "Australia", "Austria", "Belgium", "Brazil", "Canada", "Chile", "China", "Colombia", "Czechia",
    "Denmark", "Egypt", "Estonia", "Ethiopia", "Finland", "France", "Germany", "Ghana", "Greece", "Hungary",
    "India", "Indonesia", "Ireland", "Israel", "Italy", "Japan", "Jordan", "Kenya", "Latvia", "Lithuania",
    "Luxembourg", "Malaysia", "Mexico", "Morocco", "Netherlands", "New Zealand", "Nigeria", "Norway", "Pakistan",
    "Peru", "Philippines", "Poland", "Portugal", "Qatar", "Romania", "Saudi Arabia", "Senegal", "Singapore",
    "Slovakia", "South Africa", "South Korea", "Spain", "Sweden", "Switzerland", "Thailand", "Turkey", "Ukraine",
    "United Arab Emirates", "Great Britain", "United States of America", "Vietnam",
]  # fmt: skip
ORGANISATIONS = [
    "North Atlantic Alliance", "United Nations", "European Union", "African Union", "World Bank",
    "International Monetary Fund", "World Health Organization", "Organisation for Economic Co-operation and Development",
    "Group of Seven", "Group of Twenty", "Association of Southeast Asian Nations", "Council of Europe",
    "World Trade Organization", "International Energy Agency", "Financial Action Task Force",
]  # fmt: skip
BODIES = [
    ("Ministry of Foreign Affairs", "Foreign Minister"),
    ("Ministry of Defence", "Defence Minister"),
    ("Ministry of Finance", "Finance Minister"),
    ("Ministry of the Interior", "Interior Minister"),
    ("Ministry of Justice", "Justice Minister"),
    ("Ministry of Energy", "Energy Minister"),
    ("Ministry of Health", "Health Minister"),
    ("Development Agency", "Development Minister"),
]
FIRST_NAMES = [
    "Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kwame", "Lena", "Marco",
    "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sami", "Tomas", "Ursula", "Victor", "Wen", "Yara", "Zoltan",
]  # fmt: skip
LAST_NAMES = [
    "Adeyemi", "Bergstrom", "Castillo", "Dubois", "Eriksen", "Fischer", "Gallo", "Haddad", "Ito", "Jansen",
    "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Quinn", "Rossi", "Sato", "Tanaka",
    "Uribe", "Vargas", "Weber", "Yilmaz", "Zhou",
]  # fmt: skip
EVENTS = [
    "G7 summit", "G20 summit", "NATO summit", "EU summit", "Bilateral meeting", "UN climate conference",
    "UN General Assembly", "Ministerial meeting", "Security conference", "Development finance conference",
    "Global health summit", "Democracy summit",
]  # fmt: skip
CITIES = [
    "Brussels", "Geneva", "Carbis Bay", "Elmau", "Biarritz", "Osaka", "Rome", "Madrid", "Vilnius", "Glasgow",
    "Paris", "Washington", "Tokyo", "Ottawa", "Berlin", "Nairobi", "Bali", "New Delhi", "Hiroshima", "Apulia",
]  # fmt: skip
PUBLISHERS = [
    "The Daily Ledger", "Capital Wire", "World Affairs Review", "Evening Standard-Bearer", "Policy Monitor",
    "Global Times Record", "The Observer Post", "Northern Herald", "Press Agency International", "Summit Watch",
]  # fmt: skip
VERBS = [
    "Increase", "Establish", "Strengthen", "Fund", "Expand", "Launch", "Reform", "Double", "Coordinate",
    "Create", "Deliver", "Ratify", "Review", "Improve", "Mobilise",
]  # fmt: skip
QUALIFIERS = [
    "", "", "with partner nations", "across the region", "in line with the agreed plan", "through a joint task force",
    "with new funding", "at home and abroad",
]  # fmt: skip
DEMO_CURRENCIES = ["USD", "EUR", "GBP", "JPY", "CAD"]

# Markov chain of verdicts over a commitment's life: (next status, weight) per current status.
STATUS_START = [(Status.NOT_STARTED, 4), (Status.IN_PROGRESS, 6)]
STATUS_NEXT: dict[str, list[tuple[str, int]]] = {
    Status.NOT_STARTED: [(Status.NOT_STARTED, 3), (Status.IN_PROGRESS, 6), (Status.STALLED, 1)],
    Status.IN_PROGRESS: [
        (Status.IN_PROGRESS, 50),
        (Status.PARTIALLY_MET, 20),
        (Status.MET, 15),
        (Status.STALLED, 10),
        (Status.BROKEN, 5),
    ],
    Status.STALLED: [(Status.STALLED, 3), (Status.IN_PROGRESS, 4), (Status.BROKEN, 2), (Status.PARTIALLY_MET, 1)],
    Status.PARTIALLY_MET: [(Status.PARTIALLY_MET, 4), (Status.MET, 4), (Status.IN_PROGRESS, 1), (Status.STALLED, 1)],
    Status.MET: [(Status.MET, 9), (Status.PARTIALLY_MET, 1)],
    Status.BROKEN: [(Status.BROKEN, 9), (Status.IN_PROGRESS, 1)],
}
RATIONALES = {
    Status.NOT_STARTED: "No budget line, legislation or announcement on {noun} has been found since the pledge.",
    Status.IN_PROGRESS: "Officials announced first steps on {noun}; {publisher} reports that work is under way.",
    Status.STALLED: "Work on {noun} has stopped: {publisher} reports that the funding was not renewed.",
    Status.PARTIALLY_MET: "Part of the pledge on {noun} was delivered; the rest was dropped in a compromise.",
    Status.MET: "The pledge on {noun} was delivered in full, as {publisher} and the official release confirm.",
    Status.BROKEN: "The government reversed course on {noun}, contradicting the pledge.",
}

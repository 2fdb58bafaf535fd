//! Word lists that make generated data read like a real company's books.

pub const PEOPLE: &[(&str, &str)] = &[
    ("Maria", "Keller"), ("James", "Okafor"), ("Sofia", "Lindqvist"), ("Daniel", "Moreau"),
    ("Aiko", "Tanaka"), ("Lucas", "Brennan"), ("Priya", "Raman"), ("Tomasz", "Nowak"),
    ("Elena", "Rossi"), ("Samuel", "Adeyemi"), ("Hannah", "Becker"), ("Mateo", "García"),
];

pub const SUPPLIER_STEMS: &[&str] = &[
    "Alpine", "Brightline", "Cobalt", "Delta Ridge", "Evergreen", "Fjord", "Granite", "Harborview",
    "Ironwood", "Juniper", "Keystone", "Lakeshore", "Meridian", "Northgate", "Oakfield", "Pinnacle",
    "Quarry Hill", "Redwood", "Silverline", "Tidewater", "Union Square", "Vantage", "Westbrook",
    "Yellowstone", "Zenith", "Blue Harbor", "Crescent", "Summit", "Riverbend", "Stonebridge",
];

pub const SUPPLIER_TRADES: &[&str] = &[
    "Logistics", "Industrial Supply", "Packaging", "IT Services", "Facility Services", "Office Products",
    "Engineering", "Freight", "Software", "Electrical", "Catering", "Consulting", "Print & Media",
    "Chemicals", "Security Services",
];

pub const LINE_ITEMS: &[(&str, &str, &str)] = &[
    ("Pallet freight, domestic", "6100", "CC-LOG"),
    ("Corrugated boxes 600x400", "5010", "CC-OPS"),
    ("Software subscription, annual", "6420", "CC-IT"),
    ("Cloud hosting, monthly", "6430", "CC-IT"),
    ("Cleaning services", "6210", "CC-FAC"),
    ("Maintenance call-out", "6220", "CC-FAC"),
    ("Consulting hours", "6500", "CC-FIN"),
    ("Office supplies", "6300", "CC-ADM"),
    ("Safety equipment", "5030", "CC-OPS"),
    ("Electrical components", "5020", "CC-OPS"),
    ("Printing and mailing", "6310", "CC-MKT"),
    ("Security guard services", "6230", "CC-FAC"),
];

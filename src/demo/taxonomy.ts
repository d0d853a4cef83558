import { TITLE_SPECS, type TitleSpec } from "./title-specs";

/**
 * Electronics category tree for the demo catalog, modelled on the real Amazon Reviews 2023 Electronics metadata
 * (`categories` paths such as "Electronics > Computers & Accessories > Laptops"). Each leaf carries the brands,
 * feature bullets and price range that make generated items look plausible, a popularity weight, and
 * complementary leaves used for `bought_together` and co-purchases; its nouns and spec groups (what titles are
 * made of, with the rules that keep them consistent) are in title-specs.ts.
 */
export interface LeafCategory extends TitleSpec {
  key: string;
  path: readonly string[];
  /** Relative share of items and of traffic. */
  weight: number;
  brands: readonly string[];
  features: readonly string[];
  price: readonly [number, number];
  complements: readonly string[];
}

const E = "Electronics";
const CA = "Computers & Accessories";
const HP = "Headphones, Earbuds & Accessories";
const CP = "Cell Phones & Accessories";
const CAM = "Camera & Photo";
const TV = "Television & Video";
const VG = "Video Games";
const WT = "Wearable Technology";
const HA = "Home Audio";
const ACC = "Accessories & Supplies";

const LEAVES: readonly Omit<LeafCategory, keyof TitleSpec>[] = [
  {
    key: "laptops",
    path: [E, CA, "Computers & Tablets", "Laptops"],
    weight: 6,
    brands: ["Lenovo", "HP", "Dell", "ASUS", "Acer", "Apple", "MSI", "Microsoft"],
    features: [
      "Fast SSD storage boots in seconds",
      "All-day battery life of up to 10 hours",
      "Sharp display with narrow bezels",
      "Wi-Fi 6 and Bluetooth 5.2 connectivity",
      "Backlit keyboard for working in low light",
      "Lightweight aluminium chassis under 4 lbs",
    ],
    price: [299, 1899],
    complements: ["laptop_bags", "mice", "usb_hubs", "monitors"],
  },
  {
    key: "tablets",
    path: [E, CA, "Computers & Tablets", "Tablets"],
    weight: 4,
    brands: ["Apple", "Samsung", "Amazon", "Lenovo", "TCL"],
    features: [
      "Bright HD display for streaming and reading",
      "Up to 12 hours of battery life",
      "Plenty of storage for apps, books and photos",
      "Dual cameras for video calls",
      "Parental controls built in",
    ],
    price: [79, 899],
    complements: ["tablet_cases", "chargers"],
  },
  {
    key: "monitors",
    path: [E, CA, "Monitors"],
    weight: 4,
    brands: ["Dell", "LG", "Samsung", "ASUS", "Acer", "BenQ", "ViewSonic"],
    features: [
      "Vivid IPS panel with wide viewing angles",
      "High refresh rate for smooth motion",
      "Flicker-free backlight and low blue light mode",
      "Height-adjustable, tilting stand",
      "HDMI and DisplayPort inputs",
    ],
    price: [99, 799],
    complements: ["cables", "laptops"],
  },
  {
    key: "mice",
    path: [E, CA, "Computer Accessories & Peripherals", "Keyboards, Mice & Accessories", "Mice"],
    weight: 5,
    brands: ["Logitech", "Razer", "Microsoft", "Corsair", "SteelSeries", "Anker"],
    features: [
      "Precise optical sensor with adjustable DPI",
      "Comfortable ergonomic shape for all-day use",
      "Long battery life with auto-sleep",
      "Plug-and-play USB receiver",
      "Quiet clicks for shared spaces",
    ],
    price: [9, 149],
    complements: ["keyboards", "laptops"],
  },
  {
    key: "keyboards",
    path: [E, CA, "Computer Accessories & Peripherals", "Keyboards, Mice & Accessories", "Keyboards"],
    weight: 4,
    brands: ["Logitech", "Razer", "Corsair", "Keychron", "Microsoft", "Redragon"],
    features: [
      "Tactile mechanical switches rated for 50 million keystrokes",
      "Per-key RGB lighting",
      "Multi-device Bluetooth pairing",
      "Spill-resistant design",
      "Detachable USB-C cable",
    ],
    price: [19, 229],
    complements: ["mice", "monitors"],
  },
  {
    key: "usb_hubs",
    path: [E, CA, "Computer Accessories & Peripherals", "USB Hubs"],
    weight: 2,
    brands: ["Anker", "UGREEN", "Belkin", "Sabrent", "Satechi"],
    features: [
      "Expands one port into several",
      "4K HDMI output for an external display",
      "Pass-through charging up to 100W",
      "Compact aluminium body",
      "SD and microSD card readers",
    ],
    price: [12, 129],
    complements: ["laptops", "cables"],
  },
  {
    key: "laptop_bags",
    path: [E, CA, "Laptop Accessories", "Bags, Cases & Sleeves"],
    weight: 2,
    brands: ["AmazonBasics", "Case Logic", "Targus", "MOSISO", "Samsonite"],
    features: [
      "Padded compartment protects against bumps",
      "Water-resistant fabric",
      "Extra pockets for chargers and accessories",
      "Comfortable padded straps",
    ],
    price: [12, 89],
    complements: ["laptops"],
  },
  {
    key: "over_ear",
    path: [E, HP, "Headphones", "Over-Ear Headphones"],
    weight: 5,
    brands: ["Sony", "Bose", "Sennheiser", "Audio-Technica", "JBL", "Beats", "Soundcore"],
    features: [
      "Active noise cancellation blocks out commutes and offices",
      "Up to 40 hours of playback on a charge",
      "Plush memory-foam ear cushions",
      "Built-in microphone for calls",
      "Quick charge: 10 minutes for 5 hours",
    ],
    price: [25, 449],
    complements: ["headphone_cases", "cables"],
  },
  {
    key: "earbuds",
    path: [E, HP, "Headphones", "Earbud Headphones"],
    weight: 7,
    brands: ["Apple", "Samsung", "Sony", "JBL", "Soundcore", "Jabra", "Skullcandy", "TOZO"],
    features: [
      "Secure fit for workouts",
      "Sweat and water resistant",
      "Charging case adds up to 24 hours",
      "One-step pairing",
      "Clear calls with dual microphones",
    ],
    price: [15, 279],
    complements: ["headphone_cases", "chargers"],
  },
  {
    key: "headphone_cases",
    path: [E, HP, "Headphone Accessories", "Cases"],
    weight: 1,
    brands: ["Spigen", "ESR", "Elago", "Hermitshell"],
    features: [
      "Hard shell protects against drops",
      "Precise cutouts for charging",
      "Keychain clip included",
      "Slim profile fits pockets",
    ],
    price: [6, 39],
    complements: ["earbuds", "over_ear"],
  },
  {
    key: "smartphones",
    path: [E, CP, "Cell Phones"],
    weight: 5,
    brands: ["Samsung", "Apple", "Google", "Motorola", "OnePlus", "Nokia"],
    features: [
      "Large edge-to-edge display",
      "Multi-lens camera with night mode",
      "All-day battery with fast charging",
      "Unlocked for all major carriers",
      "Secure biometric unlock",
    ],
    price: [99, 1199],
    complements: ["phone_cases", "screen_protectors", "chargers"],
  },
  {
    key: "phone_cases",
    path: [E, CP, "Cases, Holsters & Sleeves", "Basic Cases"],
    weight: 6,
    brands: ["Spigen", "OtterBox", "ESR", "Caseology", "Smartish"],
    features: [
      "Raised edges protect screen and camera",
      "Tested for drops from 10 feet",
      "Slim design keeps the phone pocketable",
      "Precise button and port cutouts",
    ],
    price: [7, 59],
    complements: ["smartphones", "screen_protectors"],
  },
  {
    key: "screen_protectors",
    path: [E, CP, "Accessories", "Screen Protectors"],
    weight: 3,
    brands: ["amFilm", "Spigen", "ZAGG", "JETech", "ESR"],
    features: [
      "9H hardness resists scratches",
      "Installation frame for perfect alignment",
      "Keeps full touch sensitivity",
      "Oleophobic coating repels fingerprints",
    ],
    price: [5, 29],
    complements: ["smartphones", "phone_cases"],
  },
  {
    key: "chargers",
    path: [E, CP, "Accessories", "Chargers & Power Adapters"],
    weight: 5,
    brands: ["Anker", "Belkin", "UGREEN", "Apple", "Samsung", "INIU"],
    features: [
      "Fast charging for phones, tablets and laptops",
      "Compact GaN design",
      "Multiple safety protections",
      "Foldable plug for travel",
    ],
    price: [8, 99],
    complements: ["cables", "smartphones"],
  },
  {
    key: "cables",
    path: [E, ACC, "Cables", "USB Cables"],
    weight: 5,
    brands: ["Anker", "AmazonBasics", "UGREEN", "Belkin", "Cable Matters"],
    features: [
      "Braided nylon survives 20,000+ bends",
      "Supports fast charging and data sync",
      "Reinforced connectors",
      "Tangle-free design",
    ],
    price: [5, 35],
    complements: ["chargers", "monitors"],
  },
  {
    key: "batteries",
    path: [E, ACC, "Batteries, Chargers & Accessories", "Household Batteries"],
    weight: 2,
    brands: ["Duracell", "Energizer", "AmazonBasics", "Panasonic", "EBL"],
    features: ["Long-lasting power for everyday devices", "Up to 10-year shelf life", "Leak-resistant construction"],
    price: [6, 39],
    complements: ["cameras"],
  },
  {
    key: "cameras",
    path: [E, CAM, "Digital Cameras", "Mirrorless Cameras"],
    weight: 2,
    brands: ["Canon", "Sony", "Nikon", "Fujifilm", "Panasonic", "OM System"],
    features: [
      "Large APS-C sensor for low-light shots",
      "Fast hybrid autofocus with eye detection",
      "4K video recording",
      "Flip-out touchscreen for vlogging",
      "Wi-Fi and Bluetooth transfer to phone",
    ],
    price: [299, 2499],
    complements: ["memory_cards", "camera_bags", "batteries"],
  },
  {
    key: "action_cameras",
    path: [E, CAM, "Video", "Sports & Action Video Cameras"],
    weight: 2,
    brands: ["GoPro", "DJI", "Insta360", "AKASO"],
    features: [
      "Rugged and waterproof without a housing",
      "Electronic stabilisation for smooth footage",
      "Front and rear screens",
      "Voice control and live streaming",
    ],
    price: [59, 549],
    complements: ["memory_cards"],
  },
  {
    key: "memory_cards",
    path: [E, CAM, "Accessories", "Memory Cards"],
    weight: 3,
    brands: ["SanDisk", "Samsung", "Lexar", "Kingston", "PNY"],
    features: [
      "Fast read speeds for quick transfers",
      "Records 4K UHD video",
      "Waterproof, temperature proof and shock proof",
      "Includes SD adapter",
    ],
    price: [8, 99],
    complements: ["cameras", "action_cameras"],
  },
  {
    key: "camera_bags",
    path: [E, CAM, "Bags & Cases"],
    weight: 1,
    brands: ["Lowepro", "Peak Design", "AmazonBasics", "K&F Concept"],
    features: ["Custom padded dividers for lenses", "Weather-resistant shell", "Quick side access", "Tripod straps"],
    price: [19, 249],
    complements: ["cameras"],
  },
  {
    key: "televisions",
    path: [E, TV, "Televisions"],
    weight: 3,
    brands: ["Samsung", "LG", "Sony", "TCL", "Hisense", "VIZIO", "Insignia"],
    features: [
      "Sharp 4K resolution with HDR",
      "Built-in streaming apps",
      "Voice control from the remote",
      "Game mode with low input lag",
      "Slim bezel design",
    ],
    price: [149, 2499],
    complements: ["streaming", "soundbars", "cables"],
  },
  {
    key: "streaming",
    path: [E, TV, "Streaming Media Players"],
    weight: 3,
    brands: ["Roku", "Amazon", "Google", "Apple", "NVIDIA"],
    features: [
      "Streams in 4K HDR",
      "Voice remote with TV controls",
      "Thousands of free and paid channels",
      "Easy setup in minutes",
    ],
    price: [24, 199],
    complements: ["televisions"],
  },
  {
    key: "soundbars",
    path: [E, HA, "Speakers", "Sound Bars"],
    weight: 2,
    brands: ["Sonos", "Bose", "Samsung", "VIZIO", "Yamaha", "Polk Audio"],
    features: [
      "Room-filling sound with clear dialogue",
      "Wireless subwoofer for deep bass",
      "Connects with HDMI eARC",
      "Bluetooth music streaming",
    ],
    price: [79, 899],
    complements: ["televisions"],
  },
  {
    key: "bt_speakers",
    path: [E, HA, "Speakers", "Portable Bluetooth Speakers"],
    weight: 3,
    brands: ["JBL", "Bose", "Ultimate Ears", "Soundcore", "Sony", "Tribit"],
    features: [
      "Big sound from a compact speaker",
      "Waterproof and dustproof",
      "Pairs two speakers for stereo",
      "Up to 24 hours of playtime",
    ],
    price: [19, 399],
    complements: ["chargers"],
  },
  {
    key: "consoles",
    path: [E, VG, "Consoles"],
    weight: 2,
    brands: ["Nintendo", "Sony", "Microsoft", "Valve"],
    features: [
      "Plays the latest games",
      "Fast SSD load times",
      "Online multiplayer",
      "Backwards compatible with earlier games",
    ],
    price: [199, 699],
    complements: ["controllers", "televisions"],
  },
  {
    key: "controllers",
    path: [E, VG, "Accessories", "Controllers"],
    weight: 3,
    brands: ["Sony", "Microsoft", "Nintendo", "PowerA", "8BitDo", "Razer"],
    features: [
      "Responsive triggers and haptic feedback",
      "Rechargeable battery",
      "Comfortable grip for long sessions",
      "Works wired or wireless",
    ],
    price: [19, 199],
    complements: ["consoles"],
  },
  {
    key: "smartwatches",
    path: [E, WT, "Smartwatches"],
    weight: 3,
    brands: ["Apple", "Samsung", "Garmin", "Fitbit", "Amazfit"],
    features: [
      "Tracks heart rate, sleep and SpO2",
      "Built-in GPS for runs and rides",
      "Bright always-on display",
      "Notifications from your phone",
      "Multi-day battery life",
    ],
    price: [39, 799],
    complements: ["watch_bands", "chargers"],
  },
  {
    key: "fitness_trackers",
    path: [E, WT, "Activity & Fitness Trackers"],
    weight: 2,
    brands: ["Fitbit", "Garmin", "Xiaomi", "Amazfit", "Letsfit"],
    features: [
      "Counts steps, distance and calories",
      "Sleep stages and scores",
      "Swim-proof",
      "Up to 10 days of battery",
    ],
    price: [19, 179],
    complements: ["watch_bands"],
  },
  {
    key: "watch_bands",
    path: [E, WT, "Accessories", "Bands"],
    weight: 2,
    brands: ["Spigen", "Fintie", "OUHENG", "Apple"],
    features: ["Soft and breathable", "Quick-release pins", "Fits most wrist sizes", "Sweat resistant"],
    price: [6, 49],
    complements: ["smartwatches", "fitness_trackers"],
  },
  {
    key: "tablet_cases",
    path: [E, CA, "Tablet Accessories", "Bags, Cases & Sleeves"],
    weight: 2,
    brands: ["ESR", "Fintie", "MoKo", "OtterBox", "ProCase"],
    features: ["Stand for watching and typing", "Auto sleep and wake cover", "Raised edges protect the screen"],
    price: [9, 129],
    complements: ["tablets"],
  },
];

/** The leaves with their title parts (nouns, spec groups, image shape) from title-specs.ts. */
export const LEAF_CATEGORIES: readonly LeafCategory[] = LEAVES.map((leaf) => {
  const spec = TITLE_SPECS[leaf.key];
  if (!spec) throw new Error(`no title spec for leaf ${leaf.key}`);
  return { ...leaf, ...spec };
});

export const LEAF_INDEX: ReadonlyMap<string, number> = new Map(LEAF_CATEGORIES.map((l, i) => [l.key, i]));

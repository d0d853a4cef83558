/**
 * What a demo product's title is made of, per leaf category: the product nouns and the spec groups. A group is a
 * set of mutually exclusive values (one screen size, one storage size, one operating system), so a title never
 * says "65 Inch, 43 Inch"; a noun or value can be limited to some brands or nouns, so Apple laptops run macOS
 * and a Chromebook runs ChromeOS. `test/demo/title-consistency.test.ts` checks every generated title against
 * these rules.
 */

/** A noun or spec value; `brands` / `notBrands` / `nouns` limit where it may appear. */
export interface Choice {
  v: string;
  brands?: readonly string[];
  notBrands?: readonly string[];
  /** Spec values only: the nouns it fits. */
  nouns?: readonly string[];
}

export interface SpecGroup {
  /** The details key the chosen value is also stored under (e.g. "Screen Size"). */
  label: string;
  options: readonly Choice[];
}

/** The device silhouette drawn for products of a leaf (see product-image.ts). */
export type Shape =
  | "laptop"
  | "tablet"
  | "monitor"
  | "mouse"
  | "keyboard"
  | "hub"
  | "bag"
  | "headphones"
  | "earbuds"
  | "phone"
  | "case"
  | "charger"
  | "cable"
  | "battery"
  | "camera"
  | "card"
  | "tv"
  | "stick"
  | "soundbar"
  | "speaker"
  | "console"
  | "controller"
  | "watch"
  | "band"
  | "box";

export interface TitleSpec {
  nouns: readonly Choice[];
  specs: readonly SpecGroup[];
  shape: Shape;
  /** Whether titles carry a generated model number ("LE-4821"); off where names are the model (consoles). */
  modelCode: boolean;
}

const c = (v: string, limits: Omit<Choice, "v"> = {}): Choice => ({ v, ...limits });
const all = (...vs: string[]): Choice[] => vs.map((v) => ({ v }));
const g = (label: string, ...options: (string | Choice)[]): SpecGroup => ({
  label,
  options: options.map((o) => (typeof o === "string" ? { v: o } : o)),
});
const APPLE = ["Apple"];
const notApple = { notBrands: APPLE };
const onlyApple = { brands: APPLE };

/** Whether a choice may appear with this brand and noun. */
export function allowed(choice: Choice, brand: string, noun: string | null): boolean {
  if (choice.brands && !choice.brands.includes(brand)) return false;
  if (choice.notBrands?.includes(brand)) return false;
  if (noun !== null && choice.nouns && !choice.nouns.includes(noun)) return false;
  return true;
}

export const TITLE_SPECS: Record<string, TitleSpec> = {
  laptops: {
    shape: "laptop",
    modelCode: true,
    nouns: [
      c("Laptop", { notBrands: ["Apple", "Microsoft"] }),
      c("2-in-1 Laptop", { notBrands: ["Apple", "Microsoft", "MSI"] }),
      c("Gaming Laptop", { brands: ["MSI", "ASUS", "Acer", "Lenovo", "HP", "Dell"] }),
      c("Chromebook", { brands: ["Lenovo", "HP", "Acer", "ASUS"] }),
      c("MacBook Air Laptop", onlyApple),
      c("MacBook Pro Laptop", onlyApple),
      c("Surface Laptop", { brands: ["Microsoft"] }),
    ],
    specs: [
      g(
        "Screen Size",
        c('13.6" Liquid Retina Display', onlyApple),
        c('14.2" Liquid Retina XDR Display', onlyApple),
        c('14" FHD Touchscreen', notApple),
        c('15.6" FHD Display', notApple),
        c('16" QHD+ Display', { notBrands: ["Apple", "Microsoft"], nouns: ["Laptop", "Gaming Laptop"] }),
      ),
      g("RAM", "8GB RAM", "16GB RAM", "32GB RAM"),
      g("Hard Disk Size", "256GB SSD", "512GB SSD", "1TB SSD"),
      g(
        "CPU Model",
        c("Intel Core i5", notApple),
        c("Intel Core i7", notApple),
        c("AMD Ryzen 5", notApple),
        c("AMD Ryzen 7", notApple),
        c("Apple M2 Chip", onlyApple),
        c("Apple M3 Chip", onlyApple),
      ),
      g(
        "Operating System",
        c("Windows 11 Home", {
          notBrands: APPLE,
          nouns: ["Laptop", "2-in-1 Laptop", "Gaming Laptop", "Surface Laptop"],
        }),
        c("ChromeOS", { nouns: ["Chromebook"] }),
        c("macOS", onlyApple),
      ),
      g("Keyboard", "Backlit Keyboard"),
    ],
  },
  tablets: {
    shape: "tablet",
    modelCode: true,
    nouns: [
      c("iPad", onlyApple),
      c("Fire HD Tablet", { brands: ["Amazon"] }),
      c("Galaxy Tab", { brands: ["Samsung"] }),
      c("Android Tablet", { brands: ["Lenovo", "TCL", "Samsung"] }),
      c("Kids Tablet", { brands: ["Amazon", "Lenovo", "TCL"] }),
    ],
    specs: [
      g(
        "Screen Size",
        c('10.1" HD Display', notApple),
        c('10.9" Liquid Retina Display', onlyApple),
        c('11" 2K Display', notApple),
      ),
      g("Memory Storage Capacity", "64GB", "128GB", "256GB"),
      g("Connectivity", "Wi-Fi", "Wi-Fi + Cellular"),
      g("Processor", c("Octa-Core Processor", notApple), c("A14 Bionic Chip", onlyApple)),
      g(
        "Operating System",
        c("Android 13", { brands: ["Lenovo", "TCL", "Samsung"] }),
        c("iPadOS", onlyApple),
        c("Fire OS", { brands: ["Amazon"] }),
      ),
    ],
  },
  monitors: {
    shape: "monitor",
    modelCode: true,
    nouns: all("Monitor", "Gaming Monitor", "Ultrawide Monitor", "Curved Monitor"),
    specs: [
      g(
        "Screen Size",
        c('24" FHD', { nouns: ["Monitor", "Gaming Monitor", "Curved Monitor"] }),
        c('27" QHD', { nouns: ["Monitor", "Gaming Monitor", "Curved Monitor"] }),
        c('27" 4K UHD', { nouns: ["Monitor", "Gaming Monitor"] }),
        c('32" 4K UHD', { nouns: ["Monitor", "Curved Monitor"] }),
        c('34" WQHD', { nouns: ["Ultrawide Monitor", "Curved Monitor"] }),
      ),
      g("Refresh Rate", "75Hz", "144Hz", "165Hz", c("240Hz", { nouns: ["Gaming Monitor"] })),
      g("Panel", "IPS", "VA"),
      g("Connectivity", "USB-C 65W", "HDMI and DisplayPort"),
      g("HDR", "HDR10"),
    ],
  },
  mice: {
    shape: "mouse",
    modelCode: true,
    nouns: all("Wireless Mouse", "Gaming Mouse", "Ergonomic Mouse", "Bluetooth Mouse"),
    specs: [
      g(
        "Connectivity",
        c("2.4GHz USB Receiver", { nouns: ["Wireless Mouse", "Gaming Mouse", "Ergonomic Mouse"] }),
        c("Bluetooth and 2.4GHz", { nouns: ["Wireless Mouse", "Ergonomic Mouse", "Bluetooth Mouse"] }),
        c("Wired USB", { nouns: ["Gaming Mouse"] }),
      ),
      g("Resolution", "4000 DPI", "16000 DPI", c("26000 DPI", { nouns: ["Gaming Mouse"] })),
      g("Buttons", "6 Buttons", "8 Buttons"),
      g("Feature", "Silent Click", c("RGB Lighting", { nouns: ["Gaming Mouse"] }), "Rechargeable"),
    ],
  },
  keyboards: {
    shape: "keyboard",
    modelCode: true,
    nouns: all("Mechanical Keyboard", "Wireless Keyboard", "Gaming Keyboard", "Keyboard and Mouse Combo"),
    specs: [
      g("Layout", "Full Size", "Tenkeyless", c("75% Layout", { nouns: ["Mechanical Keyboard", "Gaming Keyboard"] })),
      g(
        "Switches",
        c("Red Linear Switches", { nouns: ["Mechanical Keyboard", "Gaming Keyboard"] }),
        c("Brown Tactile Switches", { nouns: ["Mechanical Keyboard", "Gaming Keyboard"] }),
        c("Quiet Membrane Keys", { nouns: ["Wireless Keyboard", "Keyboard and Mouse Combo"] }),
      ),
      g(
        "Connectivity",
        c("Bluetooth", { nouns: ["Mechanical Keyboard", "Wireless Keyboard", "Keyboard and Mouse Combo"] }),
        c("Wired USB-C", { nouns: ["Mechanical Keyboard", "Gaming Keyboard"] }),
      ),
      g("Backlight", "RGB Backlit", "White Backlit"),
    ],
  },
  usb_hubs: {
    shape: "hub",
    modelCode: true,
    nouns: all("USB-C Hub", "USB 3.0 Hub", "Docking Station"),
    specs: [
      g(
        "Ports",
        c("4 Port", { nouns: ["USB 3.0 Hub"] }),
        c("7-in-1", { nouns: ["USB-C Hub"] }),
        c("12-in-1", { nouns: ["Docking Station"] }),
      ),
      g(
        "Video",
        c("4K HDMI", { nouns: ["USB-C Hub", "Docking Station"] }),
        c("Dual 4K HDMI", { nouns: ["Docking Station"] }),
      ),
      g("Power Delivery", c("100W PD", { nouns: ["USB-C Hub", "Docking Station"] })),
      g("Material", "Aluminum"),
    ],
  },
  laptop_bags: {
    shape: "bag",
    modelCode: false,
    nouns: all("Laptop Sleeve", "Laptop Backpack", "Laptop Messenger Bag"),
    specs: [
      g("Fits", "13-14 Inch", "15.6 Inch", "17 Inch"),
      g("Material", "Water Resistant"),
      g(
        "Feature",
        c("with USB Charging Port", { nouns: ["Laptop Backpack"] }),
        c("Slim", { nouns: ["Laptop Sleeve"] }),
      ),
    ],
  },
  over_ear: {
    shape: "headphones",
    modelCode: true,
    nouns: all("Wireless Over-Ear Headphones", "Noise Cancelling Headphones", "Studio Monitor Headphones"),
    specs: [
      g(
        "Noise Control",
        c("Active Noise Cancelling", { nouns: ["Wireless Over-Ear Headphones", "Noise Cancelling Headphones"] }),
      ),
      g(
        "Battery Life",
        c("30H Playtime", { nouns: ["Wireless Over-Ear Headphones", "Noise Cancelling Headphones"] }),
        c("40H Playtime", { nouns: ["Wireless Over-Ear Headphones", "Noise Cancelling Headphones"] }),
        c("60H Playtime", { nouns: ["Wireless Over-Ear Headphones"] }),
      ),
      g(
        "Connectivity",
        c("Wired 3.5mm", { nouns: ["Studio Monitor Headphones"] }),
        c("Bluetooth 5.3", { nouns: ["Wireless Over-Ear Headphones", "Noise Cancelling Headphones"] }),
      ),
      g("Audio", "Hi-Res Audio"),
      g("Design", "Foldable"),
    ],
  },
  earbuds: {
    shape: "earbuds",
    modelCode: true,
    nouns: all("Wireless Earbuds", "True Wireless Earbuds", "Sport Earbuds", "Noise Cancelling Earbuds"),
    specs: [
      g("Connectivity", c("Bluetooth 5.3", notApple)),
      g("Water Resistance", "IPX4 Sweat Resistant", "IPX5 Water Resistant", "IPX7 Waterproof"),
      g("Battery Life", "24H Playtime", "30H Playtime", "40H Playtime"),
      g("Case", "Wireless Charging Case"),
      g("Controls", "Touch Control"),
    ],
  },
  headphone_cases: {
    shape: "case",
    modelCode: false,
    nouns: all("Earbuds Case Cover", "Hard Travel Case for Headphones"),
    specs: [g("Material", "Silicone", "Hard Shell"), g("Protection", "Shockproof"), g("Extras", "with Keychain")],
  },
  smartphones: {
    shape: "phone",
    modelCode: true,
    nouns: [
      c("iPhone", onlyApple),
      c("Galaxy Smartphone", { brands: ["Samsung"] }),
      c("Pixel Phone", { brands: ["Google"] }),
      c("5G Smartphone", { brands: ["Motorola", "OnePlus", "Nokia", "Samsung"] }),
      c("Unlocked Cell Phone", { brands: ["Motorola", "OnePlus", "Nokia"] }),
    ],
    specs: [
      g("Memory Storage Capacity", "128GB", "256GB", "512GB"),
      g("Screen Size", '6.1" Display', '6.5" Display', '6.7" Display'),
      g("Camera", "Dual Camera", "Triple Camera"),
      g("Battery", c("4500mAh Battery", notApple), c("5000mAh Battery", notApple)),
      g("Operating System", c("Android", notApple), c("iOS", onlyApple)),
      g("Carrier", "Unlocked"),
    ],
  },
  phone_cases: {
    shape: "case",
    modelCode: false,
    nouns: all("Phone Case", "Clear Case", "Wallet Case", "Rugged Case"),
    specs: [
      g("Compatible Phone Models", "for iPhone 15", "for iPhone 15 Pro Max", "for Galaxy S24", "for Pixel 8"),
      g("Protection", "Military Grade Drop Protection", "Shockproof"),
      g(
        "Design",
        c("Slim Fit", { nouns: ["Phone Case", "Clear Case"] }),
        c("Anti-Yellowing", { nouns: ["Clear Case"] }),
      ),
    ],
  },
  screen_protectors: {
    shape: "phone",
    modelCode: false,
    nouns: all("Tempered Glass Screen Protector", "Privacy Screen Protector"),
    specs: [
      g("Compatible Phone Models", "for iPhone 15", "for iPhone 15 Pro Max", "for Galaxy S24", "for Pixel 8"),
      g("Pack", "2 Pack", "3 Pack"),
      g("Hardness", "9H Hardness"),
      g("Feature", "Easy Installation Frame", "Case Friendly"),
    ],
  },
  chargers: {
    shape: "charger",
    modelCode: true,
    nouns: all("USB C Charger", "Wireless Charger", "Portable Charger Power Bank", "Car Charger"),
    specs: [
      g(
        "Wattage",
        c("20W", { nouns: ["USB C Charger", "Portable Charger Power Bank", "Car Charger"] }),
        c("65W GaN", { nouns: ["USB C Charger"] }),
        c("15W Fast Wireless", { nouns: ["Wireless Charger"] }),
      ),
      g(
        "Battery Capacity",
        c("10000mAh", { nouns: ["Portable Charger Power Bank"] }),
        c("20000mAh", { nouns: ["Portable Charger Power Bank"] }),
      ),
      g("Ports", c("Dual Port", { nouns: ["USB C Charger", "Car Charger", "Portable Charger Power Bank"] })),
      g("Pack", c("2-Pack", { nouns: ["USB C Charger", "Car Charger"] })),
    ],
  },
  cables: {
    shape: "cable",
    modelCode: false,
    nouns: all("USB C to USB C Cable", "Lightning Cable", "HDMI Cable", "USB A to USB C Cable"),
    specs: [
      g("Length", "3ft", "6ft", "10ft"),
      g("Pack", "2-Pack", "3-Pack"),
      g("Material", "Braided"),
      g(
        "Rating",
        c("100W", { nouns: ["USB C to USB C Cable"] }),
        c("10 Gbps", { nouns: ["USB C to USB C Cable", "USB A to USB C Cable"] }),
        c("4K 60Hz", { nouns: ["HDMI Cable"] }),
        c("8K 60Hz", { nouns: ["HDMI Cable"] }),
        c("MFi Certified", { nouns: ["Lightning Cable"] }),
      ),
    ],
  },
  batteries: {
    shape: "battery",
    modelCode: false,
    nouns: all("AA Batteries", "AAA Batteries", "Rechargeable AA Batteries"),
    specs: [
      g(
        "Count",
        c("8 Pack", { nouns: ["Rechargeable AA Batteries"] }),
        c("24 Pack", { nouns: ["AA Batteries", "AAA Batteries"] }),
        c("48 Count", { nouns: ["AA Batteries", "AAA Batteries"] }),
      ),
      g(
        "Capacity",
        c("High Capacity 2800mAh", { nouns: ["Rechargeable AA Batteries"] }),
        c("Long Lasting", { nouns: ["AA Batteries", "AAA Batteries"] }),
      ),
      g(
        "Feature",
        c("Pre-Charged", { nouns: ["Rechargeable AA Batteries"] }),
        c("10-Year Shelf Life", { nouns: ["AA Batteries", "AAA Batteries"] }),
      ),
    ],
  },
  cameras: {
    shape: "camera",
    modelCode: true,
    nouns: all("Mirrorless Camera", "Digital Camera", "Vlogging Camera"),
    specs: [
      g("Resolution", "20.3MP", "24.2MP", "26.1MP", "33MP"),
      g("Video", "4K Video", "6K Video"),
      g("Lens", "with 18-55mm Kit Lens", "Body Only"),
      g("Screen", "Flip Screen"),
      g("Connectivity", "Wi-Fi and Bluetooth"),
    ],
  },
  action_cameras: {
    shape: "camera",
    modelCode: true,
    nouns: all("Action Camera", "Waterproof Action Cam"),
    specs: [
      g("Video", "4K60", "5.3K60"),
      g("Waterproof", "Waterproof to 33ft"),
      g(
        "Stabilization",
        c("HyperSmooth Stabilization", { brands: ["GoPro"] }),
        c("RockSteady Stabilization", { brands: ["DJI"] }),
        c("FlowState Stabilization", { brands: ["Insta360"] }),
        c("Electronic Image Stabilization", { brands: ["AKASO"] }),
      ),
      g("Screen", "Front Screen"),
      g("Bundle", "with Accessories Kit"),
    ],
  },
  memory_cards: {
    shape: "card",
    modelCode: false,
    nouns: all("microSDXC Memory Card", "SDXC Memory Card"),
    specs: [
      g("Capacity", "64GB", "128GB", "256GB", "512GB"),
      g("Speed Class", "U3 V30", c("V60", { nouns: ["SDXC Memory Card"] })),
      g("App Performance", c("A2", { nouns: ["microSDXC Memory Card"] })),
      g("Read Speed", "up to 170MB/s", "up to 200MB/s"),
    ],
  },
  camera_bags: {
    shape: "bag",
    modelCode: false,
    nouns: all("Camera Backpack", "Camera Sling Bag", "Camera Case"),
    specs: [
      g("Size", "Small", "Medium", "Large"),
      g("Material", "Waterproof"),
      g("Feature", c("with Tripod Holder", { nouns: ["Camera Backpack"] }), "Customizable Dividers"),
    ],
  },
  televisions: {
    shape: "tv",
    modelCode: true,
    nouns: [
      c("Smart TV"),
      c("OLED Smart TV", { brands: ["LG", "Sony", "Samsung"] }),
      c("QLED Smart TV", { brands: ["Samsung", "TCL", "Hisense", "VIZIO"] }),
      c("LED Smart TV", { brands: ["TCL", "Hisense", "VIZIO", "Insignia"] }),
    ],
    specs: [
      g(
        "Screen Size",
        c("43 Inch", { nouns: ["Smart TV", "LED Smart TV"] }),
        c("50 Inch", { nouns: ["Smart TV", "LED Smart TV", "QLED Smart TV"] }),
        "55 Inch",
        "65 Inch",
        c("75 Inch", { nouns: ["Smart TV", "QLED Smart TV", "LED Smart TV"] }),
      ),
      g("Resolution", "4K UHD"),
      g("HDR", "HDR10", c("Dolby Vision", { notBrands: ["Samsung"] })),
      g("Refresh Rate", "60Hz", c("120Hz", { nouns: ["OLED Smart TV", "QLED Smart TV", "Smart TV"] })),
      g(
        "Platform",
        c("Google TV", { brands: ["Sony", "TCL", "Hisense"] }),
        c("webOS", { brands: ["LG"] }),
        c("Tizen", { brands: ["Samsung"] }),
        c("Roku TV", { brands: ["TCL", "Hisense", "Insignia"] }),
        c("Fire TV", { brands: ["Insignia"] }),
        c("SmartCast", { brands: ["VIZIO"] }),
      ),
    ],
  },
  streaming: {
    shape: "stick",
    modelCode: false,
    nouns: [
      c("Streaming Stick", { brands: ["Roku"] }),
      c("Ultra Streaming Player", { brands: ["Roku"] }),
      c("Fire TV Stick", { brands: ["Amazon"] }),
      c("Apple TV 4K", onlyApple),
      c("Chromecast with Google TV", { brands: ["Google"] }),
      c("SHIELD TV Streaming Player", { brands: ["NVIDIA"] }),
    ],
    specs: [
      g("Resolution", c("4K HDR"), c("HD", { notBrands: ["Apple", "NVIDIA"] })),
      g("HDR", c("Dolby Vision", { notBrands: ["NVIDIA"] })),
      g("Remote", "with Voice Remote"),
      g("Connectivity", "Wi-Fi 6"),
    ],
  },
  soundbars: {
    shape: "soundbar",
    modelCode: true,
    nouns: all("Sound Bar", "Dolby Atmos Soundbar"),
    specs: [
      g(
        "Channels",
        c("2.0 Channel", { nouns: ["Sound Bar"] }),
        "3.1 Channel with Wireless Subwoofer",
        "5.1 Channel with Wireless Subwoofer",
      ),
      g("Connectivity", "HDMI eARC", "Optical and Bluetooth"),
      g("Assistant", c("with Alexa Built-in", { brands: ["Sonos", "Bose", "Polk Audio"] })),
    ],
  },
  bt_speakers: {
    shape: "speaker",
    modelCode: true,
    nouns: all("Portable Bluetooth Speaker", "Waterproof Speaker", "Party Speaker"),
    specs: [
      g("Water Resistance", "IP67 Waterproof", "IPX7 Waterproof"),
      g("Battery Life", "12H Playtime", "20H Playtime", "24H Playtime"),
      g("Feature", "Stereo Pairing", "Deep Bass"),
    ],
  },
  consoles: {
    shape: "console",
    modelCode: false,
    nouns: [
      c("Switch Console", { brands: ["Nintendo"] }),
      c("Switch OLED Console", { brands: ["Nintendo"] }),
      c("PlayStation 5 Console", { brands: ["Sony"] }),
      c("Xbox Series X Console", { brands: ["Microsoft"] }),
      c("Xbox Series S Console", { brands: ["Microsoft"] }),
      c("Steam Deck Handheld Console", { brands: ["Valve"] }),
    ],
    specs: [
      g(
        "Storage",
        c("64GB", { brands: ["Nintendo"] }),
        c("512GB", { nouns: ["Xbox Series S Console", "Steam Deck Handheld Console"] }),
        c("1TB", {
          nouns: [
            "PlayStation 5 Console",
            "Xbox Series X Console",
            "Xbox Series S Console",
            "Steam Deck Handheld Console",
          ],
        }),
      ),
      g("Edition", c("Digital Edition", { brands: ["Sony"] }), c("Disc Edition", { brands: ["Sony"] })),
      g(
        "Bundle",
        c("with Extra Controller", { notBrands: ["Valve"] }),
        c("with Carrying Case", { brands: ["Nintendo", "Valve"] }),
      ),
    ],
  },
  controllers: {
    shape: "controller",
    modelCode: true,
    nouns: all("Wireless Controller", "Pro Controller", "Gaming Controller"),
    specs: [
      g(
        "Platform",
        c("for PS5", { brands: ["Sony", "PowerA", "Razer"] }),
        c("for Xbox Series X|S", { brands: ["Microsoft", "PowerA", "Razer"] }),
        c("for Nintendo Switch", { brands: ["Nintendo", "PowerA", "8BitDo"] }),
        c("for PC and Android", { brands: ["8BitDo", "Razer"] }),
      ),
      g("Battery", "Rechargeable"),
      g("Sticks", c("Hall Effect Sticks", { brands: ["8BitDo", "PowerA", "Razer"] })),
    ],
  },
  smartwatches: {
    shape: "watch",
    modelCode: true,
    nouns: [
      c("Smartwatch"),
      c("Fitness Smartwatch", notApple),
      c("GPS Running Watch", { brands: ["Garmin", "Amazfit"] }),
    ],
    specs: [
      g("Case Size", "41mm", "44mm", "45mm", "47mm"),
      g("Compatibility", c("for iPhone", onlyApple), c("for Android and iPhone", notApple)),
      g(
        "Battery Life",
        c("18H Battery", onlyApple),
        c("7-Day Battery", notApple),
        c("14-Day Battery", { brands: ["Garmin", "Amazfit"] }),
      ),
      g("Display", c("AMOLED Display", notApple), c("Always-On Retina Display", onlyApple)),
      g("Sensors", "Heart Rate Monitor", "GPS"),
    ],
  },
  fitness_trackers: {
    shape: "band",
    modelCode: true,
    nouns: all("Fitness Tracker", "Activity Tracker"),
    specs: [
      g("Sensors", "Heart Rate Monitor", "Step Counter"),
      g("Sleep", "Sleep Monitor"),
      g("Water Resistance", "Waterproof"),
      g("Display", "Color Screen"),
    ],
  },
  watch_bands: {
    shape: "band",
    modelCode: false,
    nouns: all("Watch Band", "Sport Band", "Magnetic Loop Band"),
    specs: [
      g(
        "Compatible Devices",
        "Compatible with Apple Watch 41mm",
        "Compatible with Apple Watch 45mm",
        c("Compatible with Galaxy Watch 20mm", notApple),
        c("Compatible with Fitbit Charge 6", notApple),
      ),
      g("Material", "Silicone", "Stainless Steel", "Nylon", "Leather"),
      g("Feature", "Quick Release"),
    ],
  },
  tablet_cases: {
    shape: "case",
    modelCode: false,
    nouns: all("Tablet Case", "Keyboard Case", "Folio Case"),
    specs: [
      g(
        "Compatible Devices",
        "for iPad 10th Generation",
        "for iPad Air 11 Inch",
        "for Galaxy Tab S9",
        "for Fire HD 10",
      ),
      g("Feature", "Auto Sleep/Wake", "Trifold Stand"),
      g("Protection", "Shockproof"),
    ],
  },
};

/** Brand colours for the drawn product images (brands absent here get a colour derived from the name). */
export const BRAND_COLORS: Record<string, string> = {
  Apple: "#1d1d1f",
  Samsung: "#1428a0",
  Sony: "#111111",
  LG: "#a50034",
  Lenovo: "#e2231a",
  HP: "#0096d6",
  Dell: "#007db8",
  ASUS: "#00539b",
  Acer: "#83b81a",
  MSI: "#d7141a",
  Microsoft: "#00a4ef",
  Google: "#4285f4",
  Amazon: "#ff9900",
  Logitech: "#00b8fc",
  Razer: "#44d62c",
  Corsair: "#ffd100",
  Anker: "#00a7e1",
  Bose: "#000000",
  JBL: "#ff6600",
  Beats: "#e01f3d",
  Nintendo: "#e60012",
  GoPro: "#00a8e1",
  DJI: "#333333",
  Canon: "#cc0000",
  Nikon: "#ffe100",
  Fujifilm: "#86b817",
  Roku: "#6c3c97",
  TCL: "#e4002b",
  Hisense: "#00aaa6",
  VIZIO: "#222222",
  Garmin: "#007cc3",
  Fitbit: "#00b0b9",
  Spigen: "#2b2b2b",
  OtterBox: "#00a19b",
  SanDisk: "#e31837",
  Duracell: "#b87333",
  Energizer: "#1d9a3d",
  Sonos: "#000000",
  NVIDIA: "#76b900",
  Valve: "#1b2838",
};

import type { FixtureProduct } from "../helpers/catalog-fixtures";

/** A small catalog with enough spread for search, every filter and several pages. Imported by Node and workerd. */
export const workerdProducts: FixtureProduct[] = [
  { parentAsin: "W-CAM-1", title: "Canon EOS camera body, refurbished", store: "Canon", categories: ["Electronics", "Camera & Photo"], features: ["24 MP sensor"], price: 420, averageRating: 4.6, ratingNumber: 900 },
  { parentAsin: "W-CAM-2", title: "Nikon mirrorless camera kit", store: "Nikon", categories: ["Electronics", "Camera & Photo"], features: ["4K video"], price: 650, averageRating: 4.4, ratingNumber: 700 },
  { parentAsin: "W-LENS-1", title: "50mm prime lens for Canon", store: "Canon", categories: ["Electronics", "Camera & Photo", "Lenses"], features: ["fits every Canon camera"], price: 110, averageRating: 4.8, ratingNumber: 500 },
  { parentAsin: "W-HP-1", title: "Wireless noise cancelling headphones", store: "Sony", categories: ["Electronics", "Headphones"], features: ["30 h battery"], price: 180, averageRating: 4.5, ratingNumber: 1200 },
  { parentAsin: "W-HP-2", title: "Wired studio headphones", store: "Audio-Technica", categories: ["Electronics", "Headphones"], features: ["closed back"], price: 99, averageRating: 4.7, ratingNumber: 300 },
  { parentAsin: "W-PH-1", title: "Used smartphone, 128 GB", store: "Samsung", categories: ["Electronics", "Phones"], description: ["minor scratches, camera works"], price: 210, averageRating: 3.9, ratingNumber: 150 },
  { parentAsin: "W-CBL-1", title: "USB-C charging cable", store: "Anker", categories: ["Electronics", "Accessories"], price: 9.5, averageRating: 4.2, ratingNumber: 2000 },
  { parentAsin: "W-OLD-1", title: "Vintage film scanner", store: null, categories: ["Electronics", "Camera & Photo"], price: null, averageRating: null, ratingNumber: 0 },
];

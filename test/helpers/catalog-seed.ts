import type { Database } from "../../src/db/database";
import { insertProducts, insertReview, type FixtureProduct } from "./catalog-fixtures";

/** A small catalog with known answers for filters, sorts and search. */
export const seedProducts: FixtureProduct[] = [
  {
    parentAsin: "P-HEAD-1",
    title: "Sony WH-1000XM4 Wireless Noise Cancelling Headphones",
    store: "Sony",
    categories: ["Electronics", "Headphones", "Over-Ear"],
    features: ["30 hour battery"],
    price: 248,
    averageRating: 4.7,
    ratingNumber: 5000,
  },
  {
    parentAsin: "P-HEAD-2",
    title: "Bose QuietComfort Earbuds",
    store: "Bose",
    categories: ["Electronics", "Headphones", "Earbuds"],
    features: ["wireless charging case"],
    price: 179,
    averageRating: 4.4,
    ratingNumber: 3000,
  },
  {
    parentAsin: "P-CAM-1",
    title: "Canon EOS Rebel T7 DSLR Camera",
    store: "Canon",
    categories: ["Electronics", "Camera & Photo", "DSLR"],
    description: ["Great for beginners, includes 18-55mm lens"],
    price: 479,
    averageRating: 4.8,
    ratingNumber: 4000,
  },
  {
    parentAsin: "P-CAM-2",
    title: "Sony Alpha a6000 Mirrorless Camera",
    store: "Sony",
    categories: ["Electronics", "Camera & Photo", "Mirrorless"],
    price: 548,
    averageRating: 4.6,
    ratingNumber: 2500,
  },
  {
    parentAsin: "P-CABLE",
    title: "USB-C Cable 6ft",
    store: "Anker",
    categories: ["Electronics", "Accessories"],
    description: ["Works with wireless headphones charging docks"],
    price: 12.99,
    averageRating: 4.5,
    ratingNumber: 800,
  },
  {
    parentAsin: "P-NOPRICE",
    title: "Vintage Walkman Cassette Player",
    store: "Sony",
    categories: ["Electronics", "Portable Audio"],
    price: null,
    averageRating: null,
    ratingNumber: 3,
  },
];

export async function seedCatalog(db: Database): Promise<void> {
  await insertProducts(db, seedProducts);
  const reviews = [
    {
      userId: "U1",
      parentAsin: "P-HEAD-1",
      rating: 5,
      timestamp: 1_600_000_000_000,
      title: "Great",
      text: "Quiet and comfy",
    },
    {
      userId: "U2",
      parentAsin: "P-HEAD-1",
      rating: 4,
      timestamp: 1_600_000_100_000,
      title: "Good",
      text: "Battery lasts",
    },
    {
      userId: "U3",
      parentAsin: "P-HEAD-1",
      rating: 1,
      timestamp: 1_600_000_200_000,
      title: "Broke",
      text: "Hinge cracked",
    },
  ];
  for (const r of reviews) await insertReview(db, r);
}

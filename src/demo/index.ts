/** Demo data generator core (Web-standard): seeded catalog and interactions in the official Amazon formats. */
export * from "./prng";
export * from "./taxonomy";
export * from "./catalog";
export * from "./interactions";
export * from "./meta-record";

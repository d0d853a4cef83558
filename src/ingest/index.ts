export * from "./report";
export * from "./batch-writer";
export * from "./categories-materialiser";
export * from "./progress";
export * from "./ratings-from-reviews";

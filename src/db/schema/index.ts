export * from "./catalog";
export * from "./ops";
export * from "./auth";
export * from "./marketplace";
export * from "./ml";
export * from "./session-store";
export * from "./selection";
export * from "./feedback";

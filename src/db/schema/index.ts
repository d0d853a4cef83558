export * from "./catalog";
export * from "./ops";

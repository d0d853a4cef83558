/** Amazon Reviews 2023 parsers: Web-standard (Node and workerd), line/string in, typed record or error out. */
export * from "./result";
export * from "./csv";
export * from "./benchmark-csv";
export * from "./review-jsonl";
export * from "./meta-jsonl";
export * from "./price";
export * from "./items-meta-csv";
export * from "./python-literal";
export * from "./formats";
export * from "./sasrec-txt";
export * from "./category-paths";

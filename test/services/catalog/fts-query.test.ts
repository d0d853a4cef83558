import { describe, expect, it } from "vitest";
import { toFtsQuery, withCategoryTerm } from "../../../src/services/catalog/fts-query";

describe("toFtsQuery", () => {
  it("quotes every token, prefix-matches the last one, and drops FTS syntax", () => {
    expect(toFtsQuery('Wireless "head" phones* NEAR(xy)')).toBe('"wireless" "head" "phones" "near" "xy"*');
    expect(toFtsQuery("usb-c")).toBe('"usb" "c"');
    expect(toFtsQuery(" -- ")).toBeNull();
  });

  it("confines a query with a digit to the text columns, where category terms (c<digits>) cannot match", () => {
    expect(toFtsQuery("c12 cable")).toBe('{title features description} : ("c12" "cable"*)');
    expect(toFtsQuery("usb ³")).toBe('{title features description} : ("usb" "³")');
    expect(toFtsQuery("cable")).toBe('"cable"*');
  });
});

describe("withCategoryTerm", () => {
  it("ANDs the category's term column-scoped, and refuses anything but a positive integer id", () => {
    expect(withCategoryTerm('"cable"*', 7)).toBe('"cable"* AND category_terms : "c7"');
    expect(() => withCategoryTerm('"cable"*', 0)).toThrow();
    expect(() => withCategoryTerm('"cable"*', 1.5)).toThrow();
  });
});

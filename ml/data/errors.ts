/** A malformed input file: the message always names the file and the 1-based line. */
export class DatasetFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = "DatasetFormatError";
  }
}

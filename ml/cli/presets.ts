/**
 * Named parameter sets for the ml CLIs (`--preset <name>`): a preset supplies `--param` values, the model
 * list and flags of a documented configuration; explicit `--param`s on the command line override it.
 */
export interface Preset {
  description: string;
  /** Default --models when the command line gives none. */
  models?: string;
  /** `model.key=value`, as --param. */
  params: string[];
}

export const PRESETS: Record<string, Preset> = {
  "games-sasrec": {
    description:
      "Games / sasrec protocol figure on the paper's training split (no --refit needed): hybrid of popularity, " +
      "co-visitation, session kNN, fism-bpr (60 epochs), PureSVD and SASRec as an ensemble of two seeds (each " +
      "dropout 0.2, up to 14 epochs, early stopping on all validation cases ranked as the protocol ranks them, " +
      "patience 4; one warm epoch each on --refit); z-scored component scores, per-history-length weights or one " +
      "weight vector chosen by 2-fold CV on validation",
    models: "hybrid",
    params: [
      "hybrid.components=popularity+covisitation+session-knn+fism-bpr+pure-svd+sasrec",
      "hybrid.normalize=zscore",
      "hybrid.lengthBuckets=auto",
      "fism-bpr.epochs=60",
      "sasrec.ensemble=2",
      "sasrec.maxEpochs=14",
      "sasrec.dropout=0.2",
      "sasrec.patience=4",
      "sasrec.valUsers=10000",
      "sasrec.refit=warm",
      "sasrec.refitEpochs=1",
    ],
  },
  "games-sasrec-single": {
    description:
      "games-sasrec before the SASRec ensemble (the 2026-12-07 22:55 figure): one SASRec, up to 22 epochs; otherwise " +
      "as games-sasrec",
    models: "hybrid",
    params: [
      "hybrid.components=popularity+covisitation+session-knn+fism-bpr+pure-svd+sasrec",
      "hybrid.normalize=zscore",
      "hybrid.lengthBuckets=auto",
      "fism-bpr.epochs=60",
      "sasrec.maxEpochs=22",
      "sasrec.dropout=0.2",
      "sasrec.patience=4",
      "sasrec.valUsers=10000",
      "sasrec.refit=warm",
      "sasrec.refitEpochs=1",
    ],
  },
  "games-sasrec-12ep": {
    description:
      "the earlier games-sasrec (the --refit figure of 2026-12-05): SASRec 12 epochs at dropout 0.2, no early stopping, " +
      "one warm epoch on --refit; otherwise as games-sasrec",
    models: "hybrid",
    params: [
      "hybrid.components=popularity+covisitation+session-knn+fism-bpr+pure-svd+sasrec",
      "hybrid.normalize=zscore",
      "hybrid.lengthBuckets=auto",
      "fism-bpr.epochs=60",
      "sasrec.maxEpochs=12",
      "sasrec.dropout=0.2",
      "sasrec.patience=100",
      "sasrec.refit=warm",
      "sasrec.refitEpochs=1",
    ],
  },
  "games-sasrec-fast": {
    description:
      "games-sasrec with a smaller training budget for a loaded machine: fism-bpr 40 epochs, SASRec 10 epochs",
    models: "hybrid",
    params: [
      "hybrid.components=popularity+covisitation+session-knn+fism-bpr+pure-svd+sasrec",
      "hybrid.normalize=zscore",
      "hybrid.lengthBuckets=auto",
      "fism-bpr.epochs=40",
      "sasrec.maxEpochs=10",
      "sasrec.dropout=0.2",
      "sasrec.patience=100",
      "sasrec.refit=warm",
      "sasrec.refitEpochs=1",
    ],
  },
};

export function getPreset(name: string | undefined): Preset | undefined {
  if (name === undefined) return undefined;
  const p = PRESETS[name];
  if (p === undefined) throw new Error(`unknown preset "${name}"; known: ${Object.keys(PRESETS).join(", ")}`);
  return p;
}

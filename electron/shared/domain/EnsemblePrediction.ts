/**
 * The ensemble's verdict on one cell crop: the mean of the members' temperature-calibrated
 * probabilities, its argmax, and how sure the ensemble is (so reviewers look first where it is not).
 */
export interface EnsemblePrediction {
  /** Index of the predicted class in the manifest's class order. */
  readonly classIndex: number;
  /** Taxonomy code of the predicted class. */
  readonly code: string;
  /** Mean calibrated probability of the predicted class. */
  readonly probability: number;
  /** Mean calibrated probability of every class, in class order (sums to 1). */
  readonly probabilities: readonly number[];
  /** Entropy of the mean probabilities, in nats (0 = certain, ln(classes) = uniform): total uncertainty. */
  readonly entropy: number;
  /** Entropy of the mean minus the mean of the members' entropies, in nats: how much the members disagree. */
  readonly mutualInformation: number;
  /** Fraction of members whose own argmax equals the ensemble's class (1 = unanimous). */
  readonly agreement: number;
  /** Probability of the top class minus that of the runner-up. */
  readonly margin: number;
  /** Each member's own argmax class index, in member order. */
  readonly memberVotes: readonly number[];
}

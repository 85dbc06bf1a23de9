// Tuned parameters of the demo generator's model (not read from data). Each says which measured
// statistic it was tuned against; the measurements are in docs/demo-data.md and re-run with
// `node scripts/demo-stats.mjs`. Data-derived constants are in ./calibration.ts.

/** Bump when any change alters the generated data for a given seed (it enters the import sha256). */
export const DEMO_GENERATOR_VERSION = 1

export type DemoScale = 'small' | 'real'

export interface ScaleParams {
  /** Node and link counts = real counts × this (links keep the real links-per-node ratio). */
  countFraction: number
  /** Smallest node count in any week (the real first week has 9 nodes). */
  minNodes: number
  /**
   * Node importance a = (global rank)^−zipfAlpha × lognormal(0, IMPORTANCE_SD). The top-10 share of
   * a Zipf law depends on how many nodes there are, so each scale has its own exponent, tuned to a
   * top-10 TVL share ≈ 0.63 (issue #2).
   */
  zipfAlpha: number
}

export const SCALES: Record<DemoScale, ScaleParams> = {
  small: { countFraction: 1 / 30, minNodes: 20, zipfAlpha: 1.05 },
  real: { countFraction: 1, minNodes: 9, zipfAlpha: 1.25 },
}

/** The node universe holds the most important ids, this many times the largest weekly node count. */
export const UNIVERSE_HEADROOM = 1.6

// ---------------------------------------------------------------- node sizes (TVL)
/** Spread of node importance around the Zipf law (log sd). */
export const IMPORTANCE_SD = 0.25
/** Persistent log-size deviation: AR(1) x ← ρx + σε. New nodes start at N(NEW_NODE_MU, NEW_NODE_SD). */
export const SIZE_AR = 0.985
export const SIZE_SD = 0.02
export const NEW_NODE_MU = -1
export const NEW_NODE_SD = 0.6
/**
 * One-week glitches (a DefiLlama adapter spike that reverts): size × exp(clip(N(0, GLITCH_SD²),
 * ±GLITCH_MAX)). They give the weekly TVL change its heavy tails (RMSE ≈ 0.4 with MAE small, as the
 * reference's node persistence numbers show); the clip keeps a glitching minnow out of the top list.
 */
export const GLITCH_P = 0.016
export const GLITCH_SD = 2.5
export const GLITCH_MAX = 3
/** Week-to-week noise of total TVL around the TVL knots (log sd). */
export const TVL_NOISE_SD = 0.01

// ---------------------------------------------------------------- node churn
/** Weekly exit probability of an average node (scaled by EXIT_RANK_WEIGHT): node overlap ≈ 0.985. */
export const EXIT_BASE = 0.026
/** Exit weight = min(EXIT_RANK_CAP, 2·rank/universe) + EXIT_FLOOR: small nodes churn, big ones rarely. */
export const EXIT_RANK_CAP = 2.5
export const EXIT_FLOOR = 0.02
/** An exited node pauses: 1 + geometric(mean PAUSE_SHORT_MEAN) weeks, or with PAUSE_LONG_P a long pause. */
export const PAUSE_SHORT_MEAN = 2
export const PAUSE_LONG_P = 0.25
export const PAUSE_LONG_MIN = 8
export const PAUSE_LONG_MAX = 80
/** Birth-order jitter (log sd) around id order (protocols) and frequency order (tokens). */
export const BIRTH_JITTER = 0.3

// ---------------------------------------------------------------- exposure relationships
/**
 * A relationship holder → issuer is on in a week with probability q·s (s scales the pool to the
 * target link count). Core relationships (share CORE_SHARE) have q ∈ [0.85, 1), the rest
 * q ∈ [0.02, 0.3): E[q²]/E[q] sets the share of next week's edges that exist this week (≈ 0.53),
 * the same at every horizon, as the reference's persistence numbers show (§4.7, §8.1).
 */
export const CORE_SHARE = 0.135
export const CORE_Q: [number, number] = [0.85, 1]
export const FRINGE_Q: [number, number] = [0.02, 0.3]
/** Weekly probability that a relationship ends for good. */
export const REL_DEATH = 0.004
/** Holder weight = importance^HOLDER_EXP (token nodes × TOKEN_HOLDER_FACTOR). */
export const HOLDER_EXP = 0.4
export const TOKEN_HOLDER_FACTOR = 0.5
/** Issuer weight = (Σ frequency of the issuer's tokens)^ISSUER_FREQ_EXP × importance^ISSUER_IMP_EXP. */
export const ISSUER_FREQ_EXP = 0.7
export const ISSUER_IMP_EXP = 0.2
/** Sector cell of a new relationship ∝ (real exposure share of the cell)^CELL_COUNT_EXP. */
export const CELL_COUNT_EXP = 0.6

// ---------------------------------------------------------------- edge weights (weekly flows, USD)
/** Base flow = a_src^0.5 · a_dst^0.3 · lognormal(0, BASE_SD) · (core ? CORE_BOOST : 1). */
export const BASE_SD = 1.5
export const CORE_BOOST = 3
/** Week-to-week flow noise (log sd). */
export const FLOW_SD = 0.9
/** How far each week's sector cells are pulled to the real sector shares (0 none … 1 exact). */
export const SECTOR_PULL = 0.9
/** Tokens per relationship: 1, 2 or 3 with these probabilities (edge compositions). */
export const REL_TOKENS_P = [0.75, 0.2, 0.05]

// ---------------------------------------------------------------- compositions and raw-file noise
/** Extra (unmapped) tokens per node: 1 + Poisson(EXTRA_TOKENS_MEAN · (importance rank factor)). */
export const EXTRA_TOKENS_MEAN = 2
/** At most this many tokens in a node composition (the largest are kept). */
export const MAX_COMPOSITION = 400
/** Week-to-week noise of a holding's value (log sd). */
export const HOLDING_SD = 0.15
/**
 * Raw-file links the importer must drop (reference rules): links with a null target (an external
 * asset without an issuer), as a share of the week's kept links; and links to an issuer that is not a
 * node this week (paused), emitted with this probability when such a relationship is on.
 */
export const NULL_TARGET_SHARE = 0.02
export const MISSING_ENDPOINT_KEEP = 0.25

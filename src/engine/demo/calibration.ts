// Calibration constants of the demo generator, derived at development time from the REAL DeXposure
// aggregates in ../shared/data/real/ (which are not bundled: they carry no licence). Only numbers are
// kept here; test/engine/demo/calibration.test.ts re-derives every data-derived constant from the
// source files whenever they are present and fails if one drifts. Model parameters that are tuned
// (not read from data) live in ./params.ts.

/** The archive's weeks: every Monday 2020-03-23 … 2025-08-18 (reference-spec §1.1), both scales. */
export const FIRST_WEEK = '2020-03-23'
export const WEEK_COUNT = 283

/**
 * Weekly node and link counts of the real raw network, sampled every COUNT_KNOT_STEP weeks
 * (week indexes 0, 4, …, 280 and the last week 282) and linearly interpolated in between.
 * Source: dexposure/sector_network_validation.csv, columns node_count and link_count
 * (all 283 weeks; counts include token nodes). Interpolation error: mean 1.5 % (nodes), 2.0 % (links).
 */
export const COUNT_KNOT_STEP = 4
export const NODE_COUNT_KNOTS = [
  9, 54, 64, 105, 147, 186, 231, 295, 307, 347, 380, 408, 443, 491, 546, 924, 1431, 1876, 1812,
  2097, 2342, 2693, 3276, 3597, 3867, 4008, 4005, 4332, 4542, 4730, 4826, 4957, 4783, 5043, 5643,
  5604, 5875, 6112, 6273, 6385, 6796, 7053, 7037, 7184, 7211, 7279, 7361, 7668, 7955, 8416, 8837,
  9119, 8231, 10190, 10257, 10646, 10857, 11038, 10952, 10905, 10944, 11074, 11099, 11198, 11203,
  11016, 10930, 10962, 10816, 10706, 10674, 10128,
]
export const LINK_COUNT_KNOTS = [
  8, 69, 93, 141, 187, 230, 279, 351, 367, 433, 535, 565, 639, 751, 911, 1682, 3050, 4405, 4757,
  5963, 6536, 8371, 10665, 12434, 14182, 14828, 15866, 18039, 19285, 20822, 21534, 22229, 21495,
  22818, 26396, 26160, 27276, 29055, 29150, 30424, 32295, 34438, 35014, 36975, 36421, 37248, 38078,
  40383, 42541, 45326, 47410, 49615, 46182, 54963, 55683, 57479, 59483, 63204, 63291, 64176, 65120,
  68441, 69867, 72249, 73461, 73951, 74280, 75377, 74849, 74776, 74628, 71586,
]

/**
 * Trend of the weekly total link exposure (USD): at week indexes 1, 14, …, 274 and 282, the median
 * of total_link_exposure over the centred 13-week window (indexes k−6 … k+6, clipped to 1 … 282;
 * week 0 has zero exposure and is left out), rounded to 4 significant digits. Interpolated
 * log-linearly. Source: dexposure/sector_network_validation.csv, column total_link_exposure.
 */
export const EXPOSURE_KNOT_WEEKS = [
  1, 14, 27, 40, 53, 66, 79, 92, 105, 118, 131, 144, 157, 170, 183, 196, 209, 222, 235, 248, 261,
  274, 282,
]
export const EXPOSURE_TREND_KNOTS = [
  8.153e7, 7.248e8, 1.452e9, 4.54e9, 1.373e10, 1.516e10, 2.821e10, 2.941e10, 2.73e10, 1.346e10,
  9.603e9, 1.141e10, 1.695e10, 9.613e9, 1.03e10, 2.044e10, 4.203e10, 3.104e10, 3.344e10, 5.768e10,
  3.821e10, 4.095e10, 7.873e10,
]
/**
 * Week-to-week noise of ln(total exposure) around that trend (weeks 1 … 282): standard deviation
 * and lag-1 autocorrelation of the residual. Same source. The generator draws an AR(1) series with
 * these two moments.
 */
export const EXPOSURE_NOISE_SD = 0.4594
export const EXPOSURE_NOISE_AR1 = 0.1751

/**
 * The two crisis shocks (reference-spec §4.1 and §7.7 name the event weeks). `exposure` holds the
 * REAL total link exposure of the week before, the event week and the week after (5 significant
 * digits) from
 * dexposure/sector_network_validation.csv; the generator uses these totals instead of trend × noise.
 * `tvl` holds the real summed DefiLlama TVL (USD) on the same Mondays, from
 * defillama_metadata_2023/sector_daily_tvl_2018-2023.csv (sum over sectors of that day's rows).
 */
export interface CrisisCalibration {
  name: 'Terra' | 'FTX'
  week: string
  exposure: Record<string, number>
  tvl: Record<string, number>
}
export const CRISES: CrisisCalibration[] = [
  {
    name: 'Terra',
    week: '2022-05-09',
    exposure: { '2022-05-02': 2.7302e10, '2022-05-09': 8.6798e10, '2022-05-16': 2.027e10 },
    tvl: { '2022-05-02': 3.205e11, '2022-05-09': 2.977e11, '2022-05-16': 1.966e11 },
  },
  {
    name: 'FTX',
    week: '2022-11-07',
    exposure: { '2022-10-31': 1.0545e10, '2022-11-07': 3.0344e10, '2022-11-14': 1.1413e10 },
    tvl: { '2022-10-31': 1.328e11, '2022-11-07': 1.33e11, '2022-11-14': 1.768e11 },
  },
]

/**
 * Terra-native protocols: ids of meta_df.csv whose DefiLlama `chains` are Terra / Terra2 plus at most
 * one other chain, from defillama_metadata_2023/protocols_metadata_2023-10.csv; plus 1368 (issuer of
 * ASTRO in token_to_protocol.json). Token nodes of the Terra ecosystem (PRIMARY self-issued symbols
 * in token_to_protocol.json): UST, LUNA, AUST, STLUNA.
 */
export const TERRA_PROTOCOL_IDS = [
  '260', '294', '413', '440', '441', '491', '545', '752', '814', '1026', '1052', '1138', '1209',
  '1232', '1368', '1386', '1448', '1465', '1477', '1552', '1556', '1582', '1658', '1798', '1854',
] // prettier-ignore
export const TERRA_TOKEN_IDS = ['UST', 'LUNA', 'AUST', 'STLUNA']
/** Protocols whose meta_df category is Algo-Stables take a partial hit in the Terra week. */
export const ALGO_STABLE_CATEGORY = 'Algo-Stables'

/**
 * FTX-linked nodes besides every CEX (meta_df category "CEX"): Serum (145, and 284 issuer of SRM),
 * Oxygen (280, issuer of OXY) — Alameda-backed Solana protocols — and the FTT and MAPS token nodes
 * (PRIMARY self-issued in token_to_protocol.json).
 */
export const FTX_PROTOCOL_IDS = ['145', '280', '284']
export const FTX_TOKEN_IDS = ['FTT', 'MAPS']
export const CEX_CATEGORY = 'CEX'

/**
 * The seven sectors of the real sector-to-sector exposure matrix (dexposure/sector_exposure_matrix.csv):
 * the coarse sectors of id_to_info.json, plus "Primary Market Tokens" (token nodes) and
 * "Other / Unknown" (ids absent from id_to_info.json, or there as Others / Unknown).
 */
export const SECTORS = [
  'Asset Management',
  'Infrastructure, Services & Financial Products',
  'Lending, Borrowing & Real World Assets',
  'Privacy & Security',
  'Trading & Exchanges',
  'Primary Market Tokens',
  'Other / Unknown',
] as const
export type SectorName = (typeof SECTORS)[number]
export const TOKEN_SECTOR = 5
export const OTHER_SECTOR = 6

/**
 * Share of all exposure (USD, summed over the 283 weeks) flowing from row sector to column sector,
 * 4 significant digits; the 49 cells sum to 1. Source: dexposure/sector_exposure_matrix.csv
 * (Σ exposure per (source_category, target_category) / Σ exposure). Token → token is exactly 0.
 */
export const SECTOR_EXPOSURE_SHARES: number[][] = [
  [0.06175, 0.00795, 0.01607, 4.664e-6, 0.01063, 0.04276, 0.003593],
  [0.009276, 0.02268, 0.009569, 1.292e-5, 0.06685, 0.02337, 0.007773],
  [0.0124, 0.008573, 0.03389, 1.082e-5, 0.007632, 0.08611, 0.003682],
  [5.637e-6, 1.823e-5, 1.482e-5, 0.0002586, 7.741e-6, 0.0003879, 1.173e-5],
  [0.01042, 0.04771, 0.007263, 7.609e-6, 0.02418, 0.1216, 0.002573],
  [0.04832, 0.02322, 0.0991, 0.000468, 0.1289, 0, 0.01584],
  [0.003008, 0.005391, 0.005871, 1.665e-5, 0.003463, 0.01067, 0.006689],
]

/**
 * Share of node-weeks that are token nodes ("Primary Market Tokens"), over all 283 weeks.
 * Source: dexposure/sector_week_panel.csv (Σ node_count of that category / Σ node_count).
 */
export const TOKEN_NODE_SHARE = 0.5822

/**
 * Level of total node size (TVL, USD) over time. Weeks 0, 8, …, 184 (2020-03-23 … 2023-09-25): the sum
 * over sectors of DefiLlama's daily TVL on that Monday, from
 * defillama_metadata_2023/sector_daily_tvl_2018-2023.csv (4 significant digits; includes CEXs from
 * 2022-11-12, like DeXposure). The file ends 2023-10-19; the last knot (week 297 = 2025-12-01) is the
 * total `tvl` of defillama_api_samples/lite_protocols2_trimmed_2025-12.json, so 2023-10 … 2025-08 is
 * a log-linear interpolation: an approximation, stated in docs/demo-data.md. Crisis weeks use
 * CRISES[].tvl on top.
 */
export const TVL_KNOT_WEEKS = [
  0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120, 128, 136, 144, 152, 160, 168,
  176, 184, 297,
]
export const TVL_KNOTS = [
  5.272e8, 1.345e9, 2.851e9, 9.074e9, 1.56e10, 2.288e10, 7.582e10, 1.349e11, 1.799e11, 2.193e11,
  3.068e11, 3.874e11, 3.26e11, 3.097e11, 1.966e11, 1.229e11, 1.371e11, 1.328e11, 1.798e11, 2.341e11,
  2.541e11, 2.054e11, 2.167e11, 2.154e11, 3.112e11,
]

/** Targets from the reference, used by tests and docs (not read by the generator). */
export const REFERENCE_TARGETS = {
  /** Share of t+1 edges (between nodes of t) that existed at t: reference-spec §4.7 (from persistence AUROC 0.763). */
  edgePersistence: 0.53,
  /** |V_t ∩ V_t+1| / |V_t|: reference-spec §2 (the paper's "98.5 % overlap"). */
  nodeOverlap: 0.985,
  /** Median directed density E / (N(N−1)) at real scale: reference-spec §1.1. */
  density: 0.00081,
  /** Share of total TVL held by the 10 largest nodes: issue #2 §4. */
  top10TvlShare: 0.63,
} as const

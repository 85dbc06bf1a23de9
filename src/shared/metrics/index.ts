export { averagePrecision, precisionRecallAtK, rocAuc } from './ranking'
export { expectedCalibrationError, reliability, type ReliabilityBin } from './calibration'
export { mae, rmse, weightedMae } from './regression'
export { DEFAULT_BINS, ScoreTally } from './tally'

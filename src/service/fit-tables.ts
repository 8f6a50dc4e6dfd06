// The column names `loyals fit` recognises in the tables it reads besides orders (a summary, a
// BG/BB table, a survival table). The importer uses the same names to tell a user who passed
// such a table as orders where it belongs, so the two cannot drift apart.

/** Accepted spellings of each role, ours first, then the BTYD / lifetimes names. */
export const FIT_ROLE_NAMES = {
  // lifetimes' calibration_and_holdout_data names its calibration columns with _cal
  x: ['x', 'frequency', 'frequency_cal'],
  tx: ['t_x', 't.x', 'recency', 'recency_cal'],
  T: ['T', 'T.cal', 'T_cal', 'age'],
  n: ['periods', 'n', 'n.cal', 'n_cal', 'opportunities'],
  monetary: ['monetary', 'm.x', 'm_x', 'monetary_value', 'monetary_value_cal'],
  weight: ['weight', 'weights', 'custs', 'count'],
} as const
export type FitRole = keyof typeof FIT_ROLE_NAMES

/** The period column of a survival table (the sBG input); every other column is a share. */
export const SURVIVAL_PERIOD = /^(year|period|month|week|t|time|day)s?$/i

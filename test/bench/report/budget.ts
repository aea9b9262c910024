/** The ratios the action promises to stay under (README, Performance). */
export const BUDGET = { step: 1.1, install: 1.2 };

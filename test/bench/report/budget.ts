/** The ratios the action promises to stay under (README, Performance), and the egress figure's targets (#13). */
export const BUDGET = { step: 1.1, install: 1.2, egressStartupMs: 30, egressThroughput: 0.8 };

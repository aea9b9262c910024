/** The ratios the action promises to stay under (README, Performance), and the egress (#13), image (#15) and real-suite (#16) figures' targets. */
export const BUDGET = { step: 1.1, install: 1.2, egressStartupMs: 30, egressThroughput: 0.8, imageWarm: 1.1, imageCold: 1.2, suite: 1.3 };

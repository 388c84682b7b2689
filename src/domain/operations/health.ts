// What /healthz and /readyz report about this instance's dependencies.
export { databaseAnswers } from '../../db/health.js';
